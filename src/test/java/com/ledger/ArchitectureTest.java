package com.ledger;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.http.HttpVerticle;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Bounded contexts talk through their {@code api} packages (addresses, message records) and the bus only. */
class ArchitectureTest {
  static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("com.ledger");
  static final List<String> CONTEXTS = List.of("auth", "users", "payments", "banksync", "sandbox");
  /** An event-bus address: lowercase, dotted, kebab-case inside a segment (STYLE.md §3). */
  static final Pattern ADDRESS = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z0-9-]+)+");

  @Test
  void the_http_edge_and_the_platform_use_only_context_apis() {
    for (String ctx : CONTEXTS) {
      noClasses().that().resideInAnyPackage("com.ledger.http..", "com.ledger.platform..")
          .should().dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
              "internals of " + ctx, c -> c.getPackageName().startsWith("com.ledger." + ctx)
                  && !c.getPackageName().startsWith("com.ledger." + ctx + ".api")))
          .allowEmptyShould(true).check(CLASSES);
    }
  }

  @Test
  void contexts_do_not_reach_into_the_http_edge() {
    noClasses().that().resideInAnyPackage("com.ledger.auth..", "com.ledger.users..", "com.ledger.payments..",
        "com.ledger.banksync..", "com.ledger.sandbox..", "com.ledger.platform..")
        .should().dependOnClassesThat().resideInAPackage("com.ledger.http..").check(CLASSES);
  }

  /**
   * Every address has one owner: each {@code api} package lists its namespaces in {@code ADDRESS_PREFIXES} (the HTTP
   * edge in {@link HttpVerticle#OWN_ADDRESS_PREFIXES}); the namespaces are disjoint, every address an api class
   * declares is in its own package's, and every operationId of the contract is in exactly one.
   */
  @Test
  void every_address_is_in_a_namespace_of_its_owner() throws Exception {
    Map<String, List<String>> prefixes = new TreeMap<>();
    Map<String, List<String>> addresses = new TreeMap<>();
    for (JavaClass c : CLASSES) {
      if (!c.getPackageName().endsWith(".api") || c.isNestedClass()) continue;
      String owner = c.getPackageName();
      for (Field f : Class.forName(c.getName()).getDeclaredFields()) {
        if (!Modifier.isStatic(f.getModifiers()) || !Modifier.isPublic(f.getModifiers())) continue;
        Object value = f.get(null);
        if (f.getName().equals("ADDRESS_PREFIXES")) {
          for (Object p : (List<?>) value) prefixes.computeIfAbsent(owner, k -> new ArrayList<>()).add((String) p);
        } else if (value instanceof String s && ADDRESS.matcher(s).matches()) {
          addresses.computeIfAbsent(owner, k -> new ArrayList<>()).add(s);
        }
      }
    }
    prefixes.put("com.ledger.http", HttpVerticle.OWN_ADDRESS_PREFIXES);
    assertThat(prefixes).containsKeys("com.ledger.auth.api", "com.ledger.users.api", "com.ledger.payments.api",
        "com.ledger.banksync.api", "com.ledger.platform.jobs.api");
    prefixes.forEach((owner, mine) -> prefixes.forEach((other, theirs) -> {
      if (owner.equals(other)) return;
      for (String a : mine) {
        for (String b : theirs) {
          assertThat(a.startsWith(b) || b.startsWith(a)).as(owner + " " + a + " overlaps " + other + " " + b).isFalse();
        }
      }
    }));
    addresses.forEach((owner, declared) -> {
      List<String> mine = prefixes.getOrDefault(owner, List.of());
      for (String a : declared) {
        assertThat(mine.stream().anyMatch(a::startsWith)).as(a + " is declared in " + owner + ", which owns " + mine)
            .isTrue();
      }
    });
    Matcher ops = Pattern.compile("operationId:\\s*(\\S+)").matcher(Files.readString(Path.of("openapi.yaml")));
    int count = 0;
    while (ops.find()) {
      String op = ops.group(1);
      List<String> owners = prefixes.entrySet().stream()
          .filter(e -> e.getValue().stream().anyMatch(op::startsWith)).map(Map.Entry::getKey).toList();
      assertThat(owners).as("owners of operationId " + op).hasSize(1);
      count++;
    }
    assertThat(count).as("operationIds in openapi.yaml").isGreaterThan(50);
  }

  @Test
  void contexts_use_only_each_others_apis() {
    for (String from : CONTEXTS) {
      for (String to : CONTEXTS) {
        if (from.equals(to)) continue;
        noClasses().that().resideInAPackage("com.ledger." + from + "..")
            .should().dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
                "internals of " + to, c -> c.getPackageName().startsWith("com.ledger." + to)
                    && !c.getPackageName().startsWith("com.ledger." + to + ".api")))
            .allowEmptyShould(true).check(CLASSES);
      }
    }
  }
}
