package org.civicmail.search;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Optional;

import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.lucene.search.LuceneMessageSearchIndex;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.IndexWriter;

/**
 * The one place that reaches below James 3.8.1's Lucene index API: its private {@code createMessageDocument} and
 * {@code createFlagsDocument}, and its private index writer. {@link SharedContentIndexing} uses them to build a
 * broadcast notice's document once and add each copy with only its own fields made anew; James's public
 * {@code add} (which parses the whole message every time) is the API-based way beside it, used when these members
 * are not there or build documents {@link SharedContentIndexing} cannot compose (checked at start).
 */
final class JamesLuceneDocuments {
    private final LuceneMessageSearchIndex index;
    private final Method messageDocument;
    private final Method flagsDocument;
    private final IndexWriter writer;

    private JamesLuceneDocuments(LuceneMessageSearchIndex index, Method messageDocument, Method flagsDocument, IndexWriter writer) {
        this.index = index;
        this.messageDocument = messageDocument;
        this.flagsDocument = flagsDocument;
        this.writer = writer;
    }

    /** James's members as 3.8.1 has them, or why not (another James version). */
    static Result reach(LuceneMessageSearchIndex index) {
        try {
            Method message = LuceneMessageSearchIndex.class.getDeclaredMethod("createMessageDocument", MailboxSession.class, MailboxMessage.class);
            Method flags = LuceneMessageSearchIndex.class.getDeclaredMethod("createFlagsDocument", MailboxMessage.class);
            Field writerField = LuceneMessageSearchIndex.class.getDeclaredField("writer");
            if (message.getReturnType() != Document.class || flags.getReturnType() != Document.class
                || writerField.getType() != IndexWriter.class) {
                return new Result(Optional.empty(), "James's Lucene index has other member types than 3.8.1");
            }
            message.setAccessible(true);
            flags.setAccessible(true);
            writerField.setAccessible(true);
            return new Result(Optional.of(new JamesLuceneDocuments(index, message, flags, (IndexWriter) writerField.get(index))), "");
        } catch (ReflectiveOperationException | RuntimeException e) {
            return new Result(Optional.empty(), "James's Lucene index has no such members as 3.8.1's (" + e + ")");
        }
    }

    record Result(Optional<JamesLuceneDocuments> documents, String whyNot) {
    }

    /** The document James's {@code add} would write for the message (flags aside). */
    Document message(MailboxSession session, MailboxMessage message) throws IOException {
        return (Document) invoke(messageDocument, session, message);
    }

    /** The flags document James's {@code add} writes beside it. */
    Document flags(MailboxMessage message) throws IOException {
        return (Document) invoke(flagsDocument, message);
    }

    /** Adds a message's two documents as James's {@code add} does. */
    void add(Document message, Document flags) throws IOException {
        writer.addDocument(message);
        writer.addDocument(flags);
    }

    private Object invoke(Method method, Object... args) throws IOException {
        try {
            return method.invoke(index, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException("James could not build the index document: " + cause, cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
