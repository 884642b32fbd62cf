package dev.courier.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The tiers of docs/architecture.md, over the compiled classes of every library module: the API a user calls, the
 * SPIs a transport or store author implements, and {@code internal} packages nobody else may touch.
 */
class TiersTest {
    static final JavaClasses LIBRARY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.courier");

    /** The public facades: the classes that assemble and run everything else. */
    static final String[] FACADES = {"dev.courier.runtime.CommandProcessor", "dev.courier.runtime.CommandProcessorBuilder",
            "dev.courier.runtime.Dispatcher", "dev.courier.runtime.OutboxSweeper"};

    /** Core's packages below the API: what an implementation or a step builds on. */
    static final String[] EXTENSION_TIER = {"dev.courier.spi..", "dev.courier.message..", "dev.courier.mapping..",
            "dev.courier.pipeline..", "dev.courier.steps..", "dev.courier.store"};

    @Test
    void onlyTheRuntimeFacadesAndCoreInternalsUseCoresInternalPackage() {
        noClasses().that().resideOutsideOfPackages("dev.courier.runtime", "dev.courier.internal..")
                .should().dependOnClassesThat().resideInAPackage("dev.courier.internal..")
                .because("dev.courier.internal is core's implementation; other modules and the SPI tiers use the "
                        + "API and the SPIs only")
                .check(LIBRARY);
    }

    @Test
    void everyModulesInternalPackageIsUsedOnlyByThatModule() {
        for (String module : new String[] {"dev.courier.transport.rabbitmq", "dev.courier.transport.inmemory",
                "dev.courier.store.jdbc"}) {
            noClasses().that().resideOutsideOfPackage(module + "..")
                    .should().dependOnClassesThat().resideInAPackage(module + ".internal..")
                    .because(module + ".internal is that module's implementation")
                    .check(LIBRARY);
        }
    }

    @Test
    void theSpiMessagePipelineAndStepTiersUseNeitherInternalsNorFacades() {
        noClasses().that().resideInAnyPackage(EXTENSION_TIER)
                .should().dependOnClassesThat().resideInAPackage("dev.courier.internal..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName(FACADES[0])
                .orShould().dependOnClassesThat().haveFullyQualifiedName(FACADES[1])
                .orShould().dependOnClassesThat().haveFullyQualifiedName(FACADES[2])
                .orShould().dependOnClassesThat().haveFullyQualifiedName(FACADES[3])
                .because("an SPI, the message model, the pipeline SPI and the built-in steps sit below the API: "
                        + "a step of one's own must be writable from what the built-in ones use")
                .check(LIBRARY);
    }

    @Test
    void noPlugInImportsASiblingPlugIn() {
        noClasses().that().resideInAPackage("dev.courier.transport.rabbitmq..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.courier.transport.inmemory..",
                        "dev.courier.store.jdbc..", "dev.courier.test..")
                .check(LIBRARY);
        noClasses().that().resideInAPackage("dev.courier.transport.inmemory..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.courier.transport.rabbitmq..",
                        "dev.courier.store.jdbc..", "dev.courier.test..")
                .check(LIBRARY);
        noClasses().that().resideInAPackage("dev.courier.store.jdbc..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.courier.transport..", "dev.courier.test..")
                .check(LIBRARY);
        // Metrics sit on core's listener only: no transport, store, test kit or core internals.
        noClasses().that().resideInAPackage("dev.courier.micrometer..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.courier.transport..",
                        "dev.courier.store.jdbc..", "dev.courier.test..", "dev.courier.internal..")
                .check(LIBRARY);
        // The Spring Boot auto-configuration wires the plug-ins together as an application would: through their
        // public API only, never a module's internals or the test kit; and no library module knows Spring.
        noClasses().that().resideInAPackage("dev.courier.spring..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.courier.internal..",
                        "dev.courier.transport.rabbitmq.internal..", "dev.courier.store.jdbc.internal..",
                        "dev.courier.test..")
                .check(LIBRARY);
        noClasses().that().resideOutsideOfPackage("dev.courier.spring..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.courier.spring..", "org.springframework..")
                .check(LIBRARY);
        // The courier tool is an application of the plug-ins too: public API only; and nothing depends on it.
        noClasses().that().resideInAPackage("dev.courier.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.courier.internal..",
                        "dev.courier.transport.rabbitmq.internal..", "dev.courier.store.jdbc.internal..",
                        "dev.courier.transport.inmemory.internal..", "dev.courier.test..")
                .check(LIBRARY);
        noClasses().that().resideOutsideOfPackage("dev.courier.cli..")
                .should().dependOnClassesThat().resideInAPackage("dev.courier.cli..")
                .check(LIBRARY);
        // The test kit is built on the in-memory transport (its JUnit extension); it knows no broker or database.
        noClasses().that().resideInAPackage("dev.courier.test..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.courier.transport.rabbitmq..",
                        "dev.courier.store.jdbc..")
                .check(LIBRARY);
    }

    @Test
    void theModelAndTheInternalsNeverReachUpToTheRuntimeFacades() {
        noClasses().that().resideOutsideOfPackage("dev.courier.runtime..")
                .and().resideInAnyPackage("dev.courier", "dev.courier.internal..")
                .should().dependOnClassesThat().resideInAPackage("dev.courier.runtime..")
                .because("the runtime (CommandProcessor, Dispatcher, OutboxSweeper) sits on top: internal parts "
                        + "never call back up into it, and the request model never depends on it")
                .check(LIBRARY);
    }

    @Test
    void coreDependsOnNoOtherModule() {
        noClasses().that().resideInAnyPackage("dev.courier", "dev.courier.runtime..", "dev.courier.internal..",
                        "dev.courier.spi..", "dev.courier.message..", "dev.courier.mapping..", "dev.courier.pipeline..",
                        "dev.courier.steps..", "dev.courier.store")
                .should().dependOnClassesThat().resideInAnyPackage("dev.courier.transport..",
                        "dev.courier.store.jdbc..", "dev.courier.test..", "dev.courier.micrometer..")
                .check(LIBRARY);
    }

    @Test
    void corePackagesBelowTheRootFormNoCycle() {
        slices().matching("dev.courier.(*)..").should().beFreeOfCycles().check(LIBRARY);
    }
}
