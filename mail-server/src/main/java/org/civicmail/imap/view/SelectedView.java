package org.civicmail.imap.view;

import java.util.Collection;
import java.util.Optional;
import java.util.function.Supplier;

import javax.mail.Flags;

import org.apache.james.events.EventListener;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.NullableMessageSequenceNumber;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MailboxPath;

import com.google.common.collect.ImmutableList;

import reactor.core.publisher.Mono;

/**
 * The selected folder as the client was told it is: James's folder state ({@code folder}) changes only when James
 * reports changes to the client. James reports them in one sequence that starts with {@link #isSizeChanged()} and
 * ends with {@link #resetEvents()}; the events kept by the folder's {@link EventGate} are released just before it, so
 * nothing changes the folder while James reports (an addition arriving there was lost) nor between two reports
 * (sequence numbers of a command's own answers stay those the client knows). A message is recent here only if no other
 * session claimed it first ({@link RecentClaims}). Every other call goes to James's state.
 */
final class SelectedView implements SelectedMailbox {
    private final SelectedMailbox folder;
    private final Supplier<Optional<EventGate>> gate;
    private final RecentClaims recent;
    /** The session's token in {@link RecentClaims} (not the session: the claims must not keep it alive). */
    private final Object claimant;
    /**
     * EXAMINE: shows the recent messages no other session took, takes none. Changes with the last SELECT/EXAMINE of
     * the same folder, which James answers with the state it already has.
     */
    private volatile boolean readOnly;

    SelectedView(SelectedMailbox folder, Supplier<Optional<EventGate>> gate, RecentClaims recent, Object claimant, boolean readOnly) {
        this.folder = folder;
        this.gate = gate;
        this.recent = recent;
        this.claimant = claimant;
        this.readOnly = readOnly;
    }

    void readOnly(boolean examined) {
        readOnly = examined;
    }

    @Override
    public boolean isSizeChanged() {
        gate.get().ifPresent(EventGate::release);
        return folder.isSizeChanged();
    }

    /** Only messages the client knows: one added and expunged between two reports was never in its view. */
    @Override
    public Collection<MessageUid> expungedUids() {
        return folder.expungedUids().stream()
            .filter(uid -> folder.msn(uid).asInt().isPresent())
            .collect(ImmutableList.toImmutableList());
    }

    @Override
    public void registerIdle(EventListener.ReactiveEventListener idle) {
        gate.get().ifPresent(g -> g.idle(idle));
    }

    /** DONE: returns once nothing else writes IDLE's answers any more ({@link EventGate#endIdle()}). */
    @Override
    public void unregisterIdle() {
        gate.get().ifPresent(EventGate::endIdle);
    }

    /** IDLE's command has finished: reports of changes may be written from now on ({@link SerialIdleProcessor}). */
    void idleAnswered() {
        gate.get().ifPresent(EventGate::idleAnswered);
    }

    @Override
    public Mono<Void> deselect() {
        return folder.deselect();
    }

    @Override
    public NullableMessageSequenceNumber msn(MessageUid uid) {
        return folder.msn(uid);
    }

    @Override
    public Optional<MessageUid> uid(int index) {
        return folder.uid(index);
    }

    @Override
    public boolean addRecent(MessageUid uid) {
        return claimed(uid) && folder.addRecent(uid);
    }

    @Override
    public boolean removeRecent(MessageUid uid) {
        return folder.removeRecent(uid);
    }

    @Override
    public Collection<MessageUid> getRecent() {
        return folder.getRecent().stream().filter(this::claimed).collect(ImmutableList.toImmutableList());
    }

    @Override
    public int recentCount() {
        return getRecent().size();
    }

    /**
     * Whether this session holds the message's \Recent. Claimed when first used, not when added: James's SELECT adds
     * the recent messages it read to its own folder state, which this view does not see.
     */
    private boolean claimed(MessageUid uid) {
        return readOnly ? recent.unclaimedOrOwn(folder.getMailboxId(), uid, claimant)
            : recent.claim(folder.getMailboxId(), uid, claimant);
    }

    @Override
    public long existsCount() {
        return folder.existsCount();
    }

    @Override
    public Mono<MailboxPath> getPathReactive() {
        return folder.getPathReactive();
    }

    @Override
    public MailboxId getMailboxId() {
        return folder.getMailboxId();
    }

    @Override
    public MessageManager getMessageManager() {
        return folder.getMessageManager();
    }

    @Override
    public boolean isRecent(MessageUid uid) {
        return folder.isRecent(uid) && claimed(uid);
    }

    @Override
    public boolean isDeletedByOtherSession() {
        return folder.isDeletedByOtherSession();
    }

    @Override
    public boolean isRecentUidRemoved() {
        return folder.isRecentUidRemoved();
    }

    @Override
    public void resetRecentUidRemoved() {
        folder.resetRecentUidRemoved();
    }

    @Override
    public void resetEvents() {
        folder.resetEvents();
    }

    @Override
    public void resetExpungedUids() {
        folder.resetExpungedUids();
    }

    @Override
    public NullableMessageSequenceNumber remove(MessageUid uid) {
        return folder.remove(uid);
    }

    /** The first call of James's report (made when the report is built): the flag changes held so far go in first. */
    @Override
    public Collection<MessageUid> flagUpdateUids() {
        gate.get().ifPresent(EventGate::releaseFlagChanges);
        return folder.flagUpdateUids();
    }

    @Override
    public Optional<MessageUid> getFirstUid() {
        return folder.getFirstUid();
    }

    @Override
    public Optional<MessageUid> getLastUid() {
        return folder.getLastUid();
    }

    @Override
    public Flags getApplicableFlags() {
        return folder.getApplicableFlags();
    }

    @Override
    public boolean hasNewApplicableFlags() {
        return folder.hasNewApplicableFlags();
    }

    @Override
    public void resetNewApplicableFlags() {
        folder.resetNewApplicableFlags();
    }
}
