package com.ledger.platform.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Slices migrate concurrently where {@link Migrations#AFTER} allows: a migration that references another slice's
 * schema where PostgreSQL resolves it at once (a foreign key, a view, a SQL-language function body) needs that slice
 * among the ones it migrates after, or a fresh database fails now and then, depending on which thread ran first.
 * PL/pgSQL bodies are resolved when they run, so they may reference any slice.
 */
class MigrationOrderTest {
  private static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");
  private static final Pattern DOLLAR_BODY = Pattern.compile("\\$([A-Za-z_]*)\\$(.*?)\\$\\1\\$(\\s*LANGUAGE\\s+(\\w+))?",
      Pattern.DOTALL | Pattern.CASE_INSENSITIVE);

  @Test
  void every_slice_migrates_after_the_slices_its_migrations_reference() throws IOException {
    assertThat(Migrations.AFTER.keySet()).containsExactlyInAnyOrderElementsOf(Migrations.SLICES);
    List<String> missing = new ArrayList<>();
    for (String slice : Migrations.SLICES) {
      Set<String> allowed = before(slice);
      for (Path file : files(slice)) {
        for (String other : referencedSlices(Files.readString(file))) {
          if (!other.equals(slice) && !allowed.contains(other)) missing.add(slice + "/" + file.getFileName() + " -> " + other);
        }
      }
    }
    assertThat(missing).as("cross-slice references not covered by Migrations.AFTER").isEmpty();
  }

  @Test
  void the_check_sees_a_foreign_key_and_a_sql_function_but_not_a_plpgsql_body_or_a_comment() {
    assertThat(referencedSlices("CREATE TABLE t (p uuid REFERENCES payments.user_payments (id));")).contains("payments");
    assertThat(referencedSlices("CREATE FUNCTION f() RETURNS int AS $$ SELECT count(*) FROM payments.transactions $$ "
        + "LANGUAGE sql STABLE;")).contains("payments");
    assertThat(referencedSlices("CREATE FUNCTION f() RETURNS void AS $$ BEGIN PERFORM jobs.enqueue(); END $$ "
        + "LANGUAGE plpgsql;\n-- payments.accept_payment enqueues")).isEmpty();
  }

  @Test
  void a_slice_listed_before_another_comes_earlier_in_SLICES() {
    for (String slice : Migrations.SLICES) {
      for (String dependency : Migrations.AFTER.get(slice)) {
        assertThat(Migrations.SLICES.indexOf(dependency)).as(slice + " after " + dependency)
            .isLessThan(Migrations.SLICES.indexOf(slice));
      }
    }
  }

  /** The slices a slice migrates after, directly or through others. */
  private static Set<String> before(String slice) {
    Set<String> seen = new HashSet<>();
    ArrayDeque<String> todo = new ArrayDeque<>(Migrations.AFTER.get(slice));
    while (!todo.isEmpty()) {
      String s = todo.pop();
      if (seen.add(s)) todo.addAll(Migrations.AFTER.get(s));
    }
    return seen;
  }

  private static List<Path> files(String slice) throws IOException {
    try (Stream<Path> s = Files.list(MIGRATIONS.resolve(slice))) {
      return s.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
    }
  }

  /** The slice schemas named as {@code schema.} in the parts of the script PostgreSQL resolves when it runs it. */
  static Set<String> referencedSlices(String sql) {
    String text = sql.replaceAll("--[^\\n]*", " ");
    StringBuilder resolved = new StringBuilder();
    Matcher body = DOLLAR_BODY.matcher(text);
    int end = 0;
    while (body.find()) {
      resolved.append(text, end, body.start());
      String language = body.group(4) == null ? "" : body.group(4).toLowerCase(Locale.ROOT);
      if (language.equals("sql")) resolved.append(body.group(2));  // checked at CREATE FUNCTION
      end = body.end();
    }
    resolved.append(text.substring(end));
    Set<String> found = new HashSet<>();
    Matcher m = Pattern.compile("\\b([a-z_]+)\\.[a-z_]").matcher(resolved.toString().toLowerCase(Locale.ROOT));
    while (m.find()) {
      if (Migrations.SLICES.contains(m.group(1))) found.add(m.group(1));
    }
    return found;
  }
}
