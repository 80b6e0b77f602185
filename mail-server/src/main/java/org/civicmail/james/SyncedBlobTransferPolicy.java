package org.civicmail.james;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import javax.jms.JMSException;

import org.apache.activemq.blob.BlobUploadStrategy;
import org.apache.activemq.command.ActiveMQBlobMessage;
import org.apache.james.queue.activemq.FileSystemBlobTransferPolicy;

/**
 * James's blob transfer policy for the spool's large messages ({@link InlineSpoolMessages} carries the small ones in
 * the journal), with each blob file and its directory entry synced to disk before the send that refers to it.
 *
 * <p>Why (issue 14): James's {@code FileSystemBlobStrategy} writes and flushes the file but never syncs it. The
 * journal's sync before the {@code 250} covered the JMS message, not the content in the file, so a power loss or an
 * operating-system crash after the {@code 250} could lose an accepted message's content (a {@code kill -9} cannot:
 * the page cache outlives the process, which is why {@code DurabilityIT} could not see it). The file is still
 * written by James's strategy; this only adds the syncs once it is complete.
 */
final class SyncedBlobTransferPolicy extends FileSystemBlobTransferPolicy {
    private BlobUploadStrategy synced;

    /** James's strategy, its every upload synced. Connections share it: each copies the policy with this strategy. */
    @Override
    protected synchronized BlobUploadStrategy createUploadStrategy() {
        if (synced == null) {
            synced = new Synced(super.createUploadStrategy());
        }
        return synced;
    }

    /** Uploads through {@code files}, then syncs what it wrote. */
    record Synced(BlobUploadStrategy files) implements BlobUploadStrategy {
        @Override
        public URL uploadFile(ActiveMQBlobMessage message, File file) throws JMSException, IOException {
            return sync(files.uploadFile(message, file));
        }

        @Override
        public URL uploadStream(ActiveMQBlobMessage message, InputStream in) throws JMSException, IOException {
            return sync(files.uploadStream(message, in));
        }

        private static URL sync(URL written) throws IOException {
            Path file;
            try {
                file = Path.of(written.toURI());
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new IOException("spool blob " + written + " is not a file the spool can sync", e);
            }
            try (FileChannel content = FileChannel.open(file, StandardOpenOption.WRITE)) {
                content.force(true);
            }
            // The file's name in its directory: without this a crash can leave the synced content unreachable.
            try (FileChannel directory = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                directory.force(true);
            }
            return written;
        }
    }
}
