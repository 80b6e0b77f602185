package org.civicmail.cli.bench;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.apache.james.mailbox.MailboxManager;
import org.apache.james.smtpserver.netty.SMTPServerFactory;
import org.apache.james.user.api.UsersRepository;
import org.civicmail.broadcast.BroadcastService;
import org.civicmail.broadcast.bench.BroadcastBenchmark;
import org.civicmail.ca.KeyAlgorithm;
import org.civicmail.cli.CliContext;
import org.civicmail.cli.ExitCodes;
import org.civicmail.cli.ServerLocation;
import org.civicmail.account.AccountService;
import org.civicmail.server.CivicDatabase;
import org.civicmail.server.DataDirectory;
import org.civicmail.smime.AccountKeyStore;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench broadcast --recipients N}: notice, personalised and stock-path rates; see mail-server/BROADCAST.md. */
@Command(name = "broadcast", mixinStandardHelpOptions = true,
    description = "Measure broadcast rates (adds N bench citizens to this installation: use a scratch data directory).")
public class BenchBroadcastCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    ServerLocation location;

    @Option(names = "--recipients", defaultValue = "1000", paramLabel = "N", description = "Notice audience size (default 1000).")
    int recipients;

    @Option(names = "--personalised", paramLabel = "M", description = "Personalised statements (default: min(N, 20000)).")
    Integer personalised;

    @Option(names = "--signing-keys", split = ",", paramLabel = "ALG", defaultValue = "ec-p256,rsa-2048",
        description = "One personalised run per key type of the sending agency (default ec-p256,rsa-2048; also rsa-3072).")
    List<String> signingKeys;

    @Option(names = "--stock", paramLabel = "K", description = "Messages through the stock SMTP path (default: min(N, 1000)).")
    Integer stock;

    BenchBroadcastCommand(CliContext context) {
        this.context = context;
        this.location = new ServerLocation(context);
    }

    @Override
    public Integer call() throws Exception {
        List<KeyAlgorithm> keys = new ArrayList<>();
        for (String key : signingKeys) {
            KeyAlgorithm algorithm = KeyAlgorithm.parse("--signing-keys", key);
            if (!keys.contains(algorithm)) {
                keys.add(algorithm);
            }
        }
        Optional<InetSocketAddress> smtp;
        try {
            smtp = context.service(SMTPServerFactory.class).getServers().stream().findFirst()
                .flatMap(s -> s.getListenAddresses().stream().findFirst());
        } catch (RuntimeException e) {
            smtp = Optional.empty();
        }
        new BroadcastBenchmark(context.service(AccountService.class), context.service(AccountKeyStore.class),
            context.service(BroadcastService.class), context.service(CivicDatabase.class), context.service(MailboxManager.class),
            context.service(UsersRepository.class), context.service(DataDirectory.class), context.out())
            .run(new BroadcastBenchmark.Settings(recipients, personalised == null ? Math.min(recipients, 20_000) : personalised,
                keys, stock == null ? Math.min(recipients, 1_000) : stock, smtp));
        return ExitCodes.OK;
    }
}
