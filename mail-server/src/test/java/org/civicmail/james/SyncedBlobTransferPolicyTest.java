package org.civicmail.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.activemq.blob.BlobTransferPolicy;
import org.apache.activemq.command.ActiveMQBlobMessage;
import org.apache.james.filesystem.api.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool's blob policy: every connection's copy uploads through the syncing strategy, and what it writes is the
 * message. (That the sync reaches the disk only a power cut could show; the syscalls can be seen with
 * {@code strace -e trace=fsync,fdatasync} on a server receiving a message over 32 KiB.)
 */
class SyncedBlobTransferPolicyTest {
    @TempDir
    Path var;

    @Test
    void everyConnectionsCopyUploadsThroughTheSyncingStrategyAndWritesTheMessage() throws Exception {
        SyncedBlobTransferPolicy policy = new SyncedBlobTransferPolicy();
        policy.setFileSystem(new VarDirectory(var));
        policy.setDefaultUploadUrl("file://var/store/activemq/blob-transfer");
        // ActiveMQ gives each connection a copy of the factory's policy.
        BlobTransferPolicy copy = policy.copy();
        assertThat(copy.getUploadStrategy()).isInstanceOf(SyncedBlobTransferPolicy.Synced.class);

        ActiveMQBlobMessage message = new ActiveMQBlobMessage();
        message.setJMSMessageID("ID:spool-test-1-1-1-1");
        byte[] content = "Subject: large\r\n\r\n".concat("x".repeat(200 * 1024)).getBytes(StandardCharsets.US_ASCII);
        URL written = copy.getUploadStrategy().uploadStream(message, new ByteArrayInputStream(content));

        Path file = Path.of(written.toURI());
        assertThat(file).startsWith(var);
        assertThat(Files.readAllBytes(file)).isEqualTo(content);
    }

    /** James's file system with {@code file://} under one directory. */
    private record VarDirectory(Path base) implements FileSystem {
        @Override
        public InputStream getResource(String url) {
            throw new UnsupportedOperationException(url);
        }

        @Override
        public File getFile(String fileUrl) {
            return base.resolve(fileUrl.substring(FileSystem.FILE_PROTOCOL.length())).toFile();
        }

        @Override
        public File getBasedir() {
            return base.toFile();
        }
    }
}
