package org.civicmail.james;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.jms.ConnectionFactory;

import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.ActiveMQPrefetchPolicy;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.broker.region.policy.PolicyEntry;
import org.apache.activemq.broker.region.policy.PolicyMap;
import org.apache.activemq.broker.jmx.ManagementContext;
import org.apache.activemq.plugin.StatisticsBrokerPlugin;
import org.apache.activemq.store.PersistenceAdapter;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.queue.activemq.FileSystemBlobTransferPolicy;

/**
 * The spool's ActiveMQ broker, reachable from inside this JVM only.
 * <p>
 * James's {@code EmbeddedActiveMQ} also opens {@code tcp://localhost:0}: an OpenWire port without credentials on
 * which any local user could read and inject spool messages (an injected message may carry an authenticated-user
 * attribute and would be signed as that official). This broker has no transport connector at all; James's queues
 * reach it through the {@code vm://} transport, which is an in-memory call. Its storage locations are the ones
 * {@code EmbeddedActiveMQ} used, so an existing data directory keeps its spool.
 * <p>
 * Lifecycle: started by the constructor (Guice creates it once, as a singleton), stopped by {@link #stop()} at
 * server shutdown; the connection factory is thread-safe.
 */
public final class InProcessBroker {
    /** The vm:// name; {@code create=false} makes a client fail rather than silently start a second, empty broker. */
    private static final String BROKER_NAME = "james";
    private static final String CLIENT_URL = "vm://" + BROKER_NAME + "?create=false";
    private static final String BROKER_DATA = "file://var/store/activemq/brokers";
    private static final String KAHADB_DATA = "file://var/store/activemq/brokers/KahaDB";
    private static final String BLOB_TRANSFER = "file://var/store/activemq/blob-transfer";

    private final BrokerService broker;
    private final ActiveMQConnectionFactory connectionFactory;

    @Inject
    InProcessBroker(FileSystem fileSystem, PersistenceAdapter journal) throws Exception {
        journal.setDirectory(fileSystem.getFile(KAHADB_DATA));
        broker = new BrokerService();
        broker.setBrokerName(BROKER_NAME);
        broker.setBrokerId("broker");
        broker.setPersistent(true);
        broker.setPersistenceAdapter(journal);
        broker.setDataDirectoryFile(fileSystem.getFile(BROKER_DATA));
        // No listening socket of any kind: no transport connector, no JMX connector, no network connectors.
        broker.setTransportConnectorURIs(new String[0]);
        broker.setUseJmx(false);
        ManagementContext management = new ManagementContext();
        management.setCreateConnector(false);
        broker.setManagementContext(management);
        broker.setUseShutdownHook(false);
        broker.setSchedulerSupport(false);
        // James's queue sizes come from the statistics plugin (browse/size of the spool).
        broker.setPlugins(new org.apache.activemq.broker.BrokerPlugin[] {new StatisticsBrokerPlugin()});
        broker.setEnableStatistics(true);
        broker.setDestinationPolicy(spoolPolicy());
        broker.start();
        broker.waitUntilStarted();

        // Large messages' blob files synced before the send that refers to them (James's strategy never syncs them).
        FileSystemBlobTransferPolicy blobs = new SyncedBlobTransferPolicy();
        blobs.setDefaultUploadUrl(BLOB_TRANSFER);
        blobs.setFileSystem(fileSystem);
        ActiveMQPrefetchPolicy prefetch = new ActiveMQPrefetchPolicy();
        // One message at a time per consumer: a prefetched message would sit in a consumer nobody polls.
        prefetch.setQueuePrefetch(0);
        prefetch.setTopicPrefetch(0);
        connectionFactory = new ActiveMQConnectionFactory(CLIENT_URL);
        connectionFactory.setTrustAllPackages(false);
        connectionFactory.setBlobTransferPolicy(blobs);
        connectionFactory.setPrefetchPolicy(prefetch);
    }

    /**
     * Pending spool messages stay on disk, not in the heap. By default the broker's queue cursor keeps every
     * pending message in memory until its memory limit (70 % of the heap); over the in-VM transport that message is
     * James's own object, which still holds the whole MIME body it streamed to the blob file, so a backlog of a few
     * thousand messages (SMTP accepts faster than the spool delivers) held 25 MiB of a 256 MiB heap and grew with
     * the backlog. Without the cache each dispatch reads the message from KahaDB (the OS's file cache, a fraction of
     * a millisecond); what is written and synced before the 250, and so durability, is unchanged.
     */
    private static PolicyMap spoolPolicy() {
        PolicyEntry everyQueue = new PolicyEntry();
        everyQueue.setQueue(">");
        everyQueue.setUseCache(false);
        PolicyMap policy = new PolicyMap();
        policy.setDefaultEntry(everyQueue);
        return policy;
    }

    public ConnectionFactory connectionFactory() {
        return connectionFactory;
    }

    @PreDestroy
    public void stop() throws Exception {
        broker.stop();
        broker.waitUntilStopped();
    }
}
