package org.civicmail.webmail.system;

import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.Suite;

/**
 * The classes on {@code testkit.SharedDemoSystem}, one after the other in one failsafe JVM, so they share one
 * `civicmail start --demo` (about 11.5 s of CPU) however many JVMs failsafe runs. Failsafe runs this suite instead of
 * them (the webmail pom excludes them by name; `-Dit.test=WebmailTlsIT` still runs one alone). A class that starts
 * to share the system belongs here and in those excludes; left out, it still runs, on a demo start of its own JVM.
 */
@Suite
@SelectClasses({ChineseSearchSystemIT.class, MailboxActionsSystemIT.class, WebmailTlsIT.class})
class SharedDemoSystemSuiteIT {
}
