package com.ledger;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bounded contexts talk through their {@code api} packages (addresses, message records) and the bus only. */
class ArchitectureTest {
  static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("com.ledger");
  static final List<String> CONTEXTS = List.of("auth", "users", "payments", "banksync", "sandbox");

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
