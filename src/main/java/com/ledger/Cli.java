package com.ledger;

import com.ledger.platform.config.ConfigHelp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The command line: {@code [--conf FILE] | --help | --version}. Anything else is a usage error (exit status 2).
 *
 * @param conf the {@code --conf} file, or null
 */
record Cli(boolean help, boolean version, Path conf) {
  /** A bad command line; the message says what was wrong. */
  static final class Invalid extends Exception {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  static Cli parse(String... args) throws Invalid {
    boolean help = false;
    boolean version = false;
    Path conf = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "-h", "--help" -> help = true;
        case "-V", "--version" -> version = true;
        case "--conf" -> {
          if (i + 1 >= args.length || args[i + 1].isBlank()) throw new Invalid("--conf needs a file");
          conf = Path.of(args[++i]);
        }
        default -> {
          if (a.startsWith("--conf=") && a.length() > "--conf=".length()) {
            conf = Path.of(a.substring("--conf=".length()));
          } else {
            throw new Invalid(a.startsWith("-") ? "unknown option: " + a : "unexpected argument: " + a);
          }
        }
      }
    }
    return new Cli(help, version, conf);
  }

  static String usage() {
    return """
        Usage: ledgerbank [--conf FILE]     start the service
               ledgerbank --help | --version
          where ledgerbank is `bin/ledger run` in a checkout, or `java -jar ledgerbank.jar`

        Options:
          --conf FILE    a YAML file merged over the built-in defaults (also LEDGER_CONF=FILE);
                         without either, ./conf/application.yaml is used when present
          -h, --help     print this help, with every LEDGER_* variable, and exit
          -V, --version  print the version and exit

        Exit status: 0 stopped cleanly (SIGTERM, Ctrl+C), 1 failed, 2 bad option or configuration.
        """;
  }

  static String helpText() {
    return versionText() + "\n\n" + usage() + """

        Configuration: built-in defaults <- the conf file <- LEDGER_* environment variables. A key's variable is
        LEDGER_ + its path upper-cased with "_" (http.port -> LEDGER_HTTP_PORT); lists are comma-separated. A bad
        value stops the node at boot with one line naming the key; an unknown LEDGER_* variable is warned about.
        Also read: JAVA_OPTS (by bin/ledger: extra JVM flags, after conf/jvm.options).

        Variables, defaults and meanings:
        """ + ConfigHelp.table();
  }

  static String versionText() {
    String app = Cli.class.getPackage().getImplementationVersion();
    if (app == null) app = com.ledger.platform.config.ConfigLoader.defaults().getJsonObject("app").getString("version");
    return "LedgerBank " + app + " (Vert.x " + vertxVersion() + ", Java " + Runtime.version() + ")";
  }

  private static String vertxVersion() {
    try (InputStream in = Cli.class.getClassLoader().getResourceAsStream("META-INF/vertx/vertx-version.txt")) {
      return in == null ? "?" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return "?";
    }
  }
}
