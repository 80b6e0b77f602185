package org.civicmail.webmail;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.IncludeClassNamePatterns;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/**
 * Every IT of package {@code system} (the whole system: `civicmail start --demo` with its webmail child), one class
 * after the other in this one failsafe JVM, by class name. Failsafe runs this suite instead of those classes (the
 * webmail pom excludes the package), so their CPU-bound demo starts share the machine with the browser ITs, which
 * mostly wait for Chromium, instead of with each other, and the classes on {@code testkit.SharedDemoSystem} share
 * one start. A new class in the package is in the suite without being named here.
 */
@Suite
@SelectPackages("org.civicmail.webmail.system")
@IncludeClassNamePatterns(".*IT")
@ConfigurationParameter(key = "junit.jupiter.testclass.order.default", value = "org.junit.jupiter.api.ClassOrderer$ClassName")
class WholeSystemSuiteIT {
}
