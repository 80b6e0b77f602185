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
 * (sequence numbers of a command's own answers stay those the client knows). Every other call goes to James's state.
 */
final class SelectedView implements SelectedMailbox {
    private final SelectedMailbox folder;
    private final Supplier<Optional<EventGate>> gate;

    SelectedView(SelectedMailbox folder, Supplier<Optional<EventGate>> gate) {
        this.folder = folder;
        this.gate = gate;
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

    @Override
    public void unregisterIdle() {
        gate.get().ifPresent(g -> g.idle(null));
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
        return folder.addRecent(uid);
    }

    @Override
    public boolean removeRecent(MessageUid uid) {
        return folder.removeRecent(uid);
    }

    @Override
    public Collection<MessageUid> getRecent() {
        return folder.getRecent();
    }

    @Override
    public int recentCount() {
        return folder.recentCount();
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
        return folder.isRecent(uid);
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

    @Override
    public Collection<MessageUid> flagUpdateUids() {
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
