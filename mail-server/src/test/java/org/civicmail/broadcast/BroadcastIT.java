package org.civicmail.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicmail.broadcast.BroadcastFixture.CITIZENS;
import static org.civicmail.broadcast.BroadcastFixture.OFFICIALS;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.civicmail.testkit.CivicMailExtension;
import org.civicmail.testkit.ForkedServer.CliResult;
import org.civicmail.testkit.Openssl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Broadcasts end to end on a forked server, judged over IMAP and by openssl. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BroadcastIT {
    static final String TAX = "tax-bureau@" + OFFICIALS;
    static final String CLERK = "clerk@" + OFFICIALS;
    /** An agency whose signing key is RSA-2048 (the CA's default is P-256): bills must verify all the same. */
    static final String WATER = "water-group@" + OFFICIALS;

    @RegisterExtension
    static final CivicMailExtension server = new CivicMailExtension();
    @TempDir
    static Path tmp;
    BroadcastFixture f;

    @BeforeAll
    void start() throws Exception {
        f = new BroadcastFixture(server, tmp);
        f.official(TAX, "杭州市税务局", true);
        f.official(CLERK, "办事员", false);
        f.official(WATER, "杭州市水务集团", true, "rsa-2048");
        f.citizens("citizens.csv", List.of(new String[] {"xh1", "西湖区"}, new String[] {"xh2", "西湖区"}, new String[] {"sc1", "上城区"},
            new String[] {"bj1", "滨江区"}), "330106199001011");
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(tmp.resolve(name), text, StandardCharsets.UTF_8);
    }

    @Test
    void aNoticeToATagReachesExactlyTheTaggedCitizensSignedByTheAgencyWithSignedEvidence() throws Exception {
        Path template = write("notice.txt", "Subject: 西湖区停水通知\n\n因管网改造，西湖区12月5日停水一天。\n");
        CliResult r = server.cli(null, "broadcast", "send", "--from", TAX, "--kind", "policy-notice", "--template", template.toString(),
            "--to", "tag:西湖区");
        assertThat(r.exitCode()).as(r.err()).isZero();
        String id = BroadcastFixture.broadcastId(r);
        assertThat(r.out()).contains("broadcast " + id + " finished: 2 delivered, 0 failed");

        for (String user : List.of("xh1", "xh2")) {
            List<byte[]> messages = f.folder(user + "@" + CITIZENS, "通知");
            assertThat(messages).as(user).hasSize(1);
            byte[] raw = messages.get(0);
            assertThat(BroadcastFixture.header(raw, "Message-ID")).startsWith("<bc." + id + ".");
            // One signature for all copies: the To it protects is the same in each, the copy's recipient is in Delivered-To.
            assertThat(BroadcastFixture.header(raw, "To")).isEqualTo(org.civicmail.broadcast.delivery.MessageComposer.NOTICE_TO);
            assertThat(BroadcastFixture.header(raw, "Delivered-To")).isEqualTo(user + "@" + CITIZENS);
            assertThat(f.opensslVerify(raw, "notice-" + user)).contains("Content-Type: text/plain");
            assertThat(BroadcastFixture.text(raw)).contains("西湖区12月5日停水一天");
        }
        assertThat(f.folder("sc1@" + CITIZENS, "通知")).isEmpty();
        assertThat(f.folder("bj1@" + CITIZENS, "通知")).isEmpty();

        Path evidence = tmp.resolve("evidence.p7m");
        CliResult status = server.cli(null, "broadcast", "status", id, "--evidence", evidence.toString());
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).contains("state:       finished").contains("recipients:  2 (delivered 2, failed 0, pending 0)");
        Openssl.Result verified = Openssl.run("cms", "-verify", "-inform", "DER", "-in", evidence.toString(), "-CAfile",
            f.rootPem().toString(), "-out", tmp.resolve("summary.json").toString());
        assertThat(verified.exitCode()).as(verified.output()).isZero();
        String summary = Files.readString(tmp.resolve("summary.json"));
        assertThat(summary).contains("\"agency\" : \"" + TAX + "\"").contains("\"delivered\" : 2").contains("\"failed\" : 0")
            .contains("\"kind\" : \"policy-notice\"").contains("templateSha256");

        CliResult report = server.cli(null, "broadcast", "report", id, "--csv");
        assertThat(report.out().lines().toList()).hasSize(3).first().isEqualTo("seq,address,row,status,delivered_at,reason");
        assertThat(report.out()).contains("xh1@" + CITIZENS + ",,delivered,20");
        assertThat(server.cli(null, "broadcast", "list").out()).contains(id);
    }

    @Test
    void personalisedBillsFromAGbkCsvSignedWithAnRsa2048KeyCarryEachCitizensOwnFiguresOnly() throws Exception {
        Path template = write("bill.txt", "Subject: {{月份}}水费账单\n\n{{姓名}}，您好：本月水费 {{金额}} 元，地址 {{地址}}。\n");
        String csv = "address,姓名,金额,月份,地址\n"
            + "xh1@" + CITIZENS + ",张三,123.45,十一月,西湖区文三路1号\n"
            + "sc1@" + CITIZENS + ",李四,678.90,十一月,上城区解放路2号\n"
            + "bj1@" + CITIZENS + ",王五,42.00,十一月,滨江区江南大道3号\n";
        Path data = tmp.resolve("bills-gbk.csv");
        Files.write(data, csv.getBytes(Charset.forName("GBK")));
        CliResult r = server.cli(null, "broadcast", "send", "--from", WATER, "--kind", "utility-bill", "--template", template.toString(),
            "--data", data.toString(), "--encoding", "GBK");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("3 delivered, 0 failed");

        Map<String, List<String>> own = Map.of("xh1", List.of("张三", "123.45", "文三路"), "sc1", List.of("李四", "678.90", "解放路"),
            "bj1", List.of("王五", "42.00", "江南大道"));
        for (var e : own.entrySet()) {
            List<byte[]> bills = f.folder(e.getKey() + "@" + CITIZENS, "账单");
            assertThat(bills).as(e.getKey()).hasSize(1);
            String verified = f.opensslVerify(bills.get(0), "bill-" + e.getKey());
            assertThat(verified).isNotEmpty();
            assertThat(f.opensslSigner(bills.get(0), "bill-" + e.getKey())).contains("Public-Key: (2048 bit)")
                .contains("rsaEncryption").contains("email:" + WATER);
            String text = BroadcastFixture.text(bills.get(0));
            assertThat(text).contains(e.getValue().toArray(String[]::new));
            assertThat(new javax.mail.internet.MimeMessage(null, new java.io.ByteArrayInputStream(bills.get(0))).getSubject())
                .isEqualTo("十一月水费账单");
            for (var other : own.entrySet()) {
                if (!other.getKey().equals(e.getKey())) {
                    for (String foreign : other.getValue()) {
                        assertThat(text).as(e.getKey() + " must not see " + other.getKey() + "'s " + foreign).doesNotContain(foreign);
                    }
                }
            }
        }
        assertThat(f.folder("xh2@" + CITIZENS, "账单")).isEmpty();
    }

    @Test
    void badRowsAreReportedWithRowNumbersAndNothingIsSent() throws Exception {
        String before = server.cli(null, "broadcast", "list").out();
        Path template = write("statement.txt", "Subject: 社保对账单\n\n{{name}}：个人账户余额 {{balance}} 元，{{missing}}\n");
        Path data = write("statement.csv", "address,name,balance\n"
            + "xh1@" + CITIZENS + ",张三,1000\n"
            + "nobody@" + CITIZENS + ",无名,5\n"
            + "sc1@" + CITIZENS + ",,7\n");
        CliResult r = server.cli(null, "broadcast", "send", "--from", TAX, "--kind", "social-insurance-statement", "--template",
            template.toString(), "--data", data.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("nothing was sent")
            .contains("statement.txt: placeholder {{missing}} has no column 'missing' in statement.csv (columns: address, name, balance)")
            .contains("statement.csv row 3: no account 'nobody@" + CITIZENS + "' (unknown recipient)")
            .contains("statement.csv row 4: column 'name' is empty, but the template uses {{name}}");
        assertThat(server.cli(null, "broadcast", "list").out()).isEqualTo(before);
        assertThat(f.folder("xh1@" + CITIZENS, "社保")).isEmpty();

        Path attach = write("attach.csv", "address,name,balance,missing,attachment\nxh1@" + CITIZENS + ",张三,1,x,no-such.pdf\n");
        CliResult noPdf = server.cli(null, "broadcast", "send", "--from", TAX, "--kind", "social-insurance-statement", "--template",
            template.toString(), "--data", attach.toString(), "--dry-run");
        assertThat(noPdf.exitCode()).isEqualTo(2);
        assertThat(noPdf.err()).contains("attach.csv row 2: attachment " + tmp.resolve("no-such.pdf") + " does not exist");
    }

    @Test
    void dryRunShowsOneRenderedSampleAndSendsNothing() throws Exception {
        Path template = write("dry.txt", "Subject: 银行对账单 {{month}}\n\n{{name}} 余额 {{balance}}\n");
        Path data = write("dry.csv", "\uFEFFaddress,name,balance,month\nbj1@" + CITIZENS + ",王五,88.8,2026-11\n");
        CliResult r = server.cli(null, "broadcast", "send", "--from", TAX, "--kind", "bank-statement", "--template", template.toString(),
            "--data", data.toString(), "--dry-run");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("to 1 recipient(s), all rows valid").contains("Subject: 银行对账单 2026-11").contains("王五 余额 88.8");
        assertThat(f.folder("bj1@" + CITIZENS, "银行")).isEmpty();
    }

    @Test
    void anAccountWithoutMayBroadcastIsRefused() throws Exception {
        Path template = write("clerk.txt", "Subject: hello\n\nbody\n");
        CliResult r = server.cli(null, "broadcast", "send", "--from", CLERK, "--kind", "policy-notice", "--template", template.toString(),
            "--to", "all-citizens");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("error: " + CLERK + " may not broadcast (its account lacks the may-broadcast permission");
    }
}
