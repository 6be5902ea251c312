package io.cxmonitor;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * One room per job, checked on the compiled classes: a change to one KPI stays inside its job's
 * package, shared code lives in {@code platform}, {@code inputs} or {@code rules}, and the
 * savepoint-format packages hold state classes only.
 */
class ArchitectureTest {
  private static final List<String> JOBS = List.of("surveys", "service", "churn");
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.cxmonitor");

  @Test
  void noJobImportsAnotherJob() {
    for (String job : JOBS) {
      String[] others = JOBS.stream().filter(o -> !o.equals(job)).map(o -> "io.cxmonitor." + o + "..").toArray(String[]::new);
      noClasses().that().resideInAPackage("io.cxmonitor." + job + "..")
          .should().dependOnClassesThat().resideInAnyPackage(others)
          .because("a change to one job's KPI must stay inside that job's package; share through platform/, inputs/ or rules/")
          .check(MAIN);
    }
  }

  @Test
  void sharedCodeDependsOnNoJobAndNoTool() {
    String[] features = {"io.cxmonitor.surveys..", "io.cxmonitor.service..", "io.cxmonitor.churn..", "io.cxmonitor.tools.."};
    noClasses().that().resideInAnyPackage("io.cxmonitor.platform..", "io.cxmonitor.inputs..", "io.cxmonitor.rules..")
        .should().dependOnClassesThat().resideInAnyPackage(features)
        .check(MAIN);
    noClasses().that().resideInAPackage("io.cxmonitor.platform..")
        .should().dependOnClassesThat().resideInAnyPackage("io.cxmonitor.inputs..", "io.cxmonitor.rules..")
        .because("platform/ is plumbing that knows no business rule")
        .check(MAIN);
    noClasses().that().resideInAnyPackage("io.cxmonitor.surveys..", "io.cxmonitor.service..", "io.cxmonitor.churn..")
        .should().dependOnClassesThat().resideInAPackage("io.cxmonitor.tools..")
        .check(MAIN);
  }

  /**
   * State classes keep the binary names of the release that wrote the checked-in savepoints:
   * Flink's POJO serializer resolves them by name. These packages may only ever hold those
   * classes (new fields are fine); new state types belong to their job's package.
   */
  @Test
  void savepointFormatPackagesHoldOnlyTheReleasedStateClasses() {
    Set<String> released = Set.of(
        "io.cxmonitor.metrics.ChurnCounts", "io.cxmonitor.metrics.CustomerSignal",
        "io.cxmonitor.metrics.CustomerSignal$Kind", "io.cxmonitor.metrics.CustomerState",
        "io.cxmonitor.metrics.PipelineCounters", "io.cxmonitor.metrics.ServiceCounts",
        "io.cxmonitor.metrics.SurveyCounts", "io.cxmonitor.metrics.TicketState",
        "io.cxmonitor.functions.FollowUpFunction", "io.cxmonitor.functions.FollowUpFunction$Action",
        "io.cxmonitor.functions.RepeatContactFunction", "io.cxmonitor.functions.RepeatContactFunction$Contact");
    Set<String> present = MAIN.stream()
        .filter(c -> c.getPackageName().equals("io.cxmonitor.metrics") || c.getPackageName().equals("io.cxmonitor.functions"))
        .map(JavaClass::getName)
        .filter(name -> !name.matches(".*\\$\\d+")) // compiler-made switch maps, never in state
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(present).containsExactlyInAnyOrderElementsOf(released);

    classes().that().resideInAnyPackage("io.cxmonitor.metrics", "io.cxmonitor.functions")
        .should().onlyDependOnClassesThat().resideOutsideOfPackages(
            "io.cxmonitor.surveys..", "io.cxmonitor.service..", "io.cxmonitor.churn..", "io.cxmonitor.tools..",
            "io.cxmonitor.inputs..", "io.cxmonitor.rules..", "org.apache.flink..")
        .because("a savepoint-format class is plain data: the logic that fills it lives with its job")
        .check(MAIN);
  }

  @Test
  void eachJobKeepsItsStateClassesToItself() {
    for (String job : JOBS) {
      String own = "io.cxmonitor." + job;
      for (JavaClass c : MAIN) {
        if (!c.getPackageName().startsWith(own)) {
          continue;
        }
        c.getDirectDependenciesFromSelf().forEach(d -> {
          String target = d.getTargetClass().getName();
          String owner = ownerOf(target);
          if (owner != null) {
            assertThat(owner).as("%s uses %s, a state class of the %s job", c.getName(), target, owner).isEqualTo(job);
          }
        });
      }
    }
  }

  private static String ownerOf(String stateClass) {
    if (stateClass.startsWith("io.cxmonitor.metrics.SurveyCounts")) {
      return "surveys";
    }
    if (stateClass.startsWith("io.cxmonitor.metrics.ServiceCounts") || stateClass.startsWith("io.cxmonitor.metrics.TicketState")
        || stateClass.startsWith("io.cxmonitor.functions.RepeatContactFunction")) {
      return "service";
    }
    if (stateClass.startsWith("io.cxmonitor.metrics.ChurnCounts") || stateClass.startsWith("io.cxmonitor.metrics.Customer")
        || stateClass.startsWith("io.cxmonitor.functions.FollowUpFunction")) {
      return "churn";
    }
    return null;
  }
}
