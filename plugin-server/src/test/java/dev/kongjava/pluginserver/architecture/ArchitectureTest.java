package dev.kongjava.pluginserver.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import dev.kongjava.pluginserver.plugin.Phase;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The package rules of plugin-server's main code: no cycles, and an API that neither needs nor
 * shows the internal engine. That nothing outside plugin-server imports {@code internal} is
 * InternalImportsTest's: plugin-server builds before the modules that use it.
 */
class ArchitectureTest {
    private static final String ROOT = "dev.kongjava.pluginserver";
    /** The exported packages (module-info.java). */
    private static final String[] API = {ROOT + ".plugin..", ROOT + ".pdk..", ROOT + ".schema..", ROOT + ".server.."};

    private static final JavaClasses MAIN = new ClassFileImporter().importPath(mainClasses());

    @Test
    void noPackageDependsOnItselfThroughAnother() {
        assertTrue(
                MAIN.contain(Phase.class) && MAIN.contain("dev.kongjava.pluginserver.internal.rpc.RpcDispatcher"),
                "main classes imported from " + mainClasses());
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(MAIN);
    }

    /**
     * What authors implement and call stands on its own: only the text capping of log lines
     * (internal.LogText, which depends on nothing) is shared with the engine. The server package
     * runs the engine, so it may use it, but not in what it shows (below).
     */
    @Test
    void pluginPdkAndSchemaUseNoPartOfTheEngine() {
        noClasses()
                .that()
                .resideInAnyPackage(ROOT + ".plugin..", ROOT + ".pdk..", ROOT + ".schema..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(ROOT + ".internal.*..")
                .check(MAIN);
    }

    @Test
    void noPublicMemberOfTheApiNamesAnInternalType() {
        ArchRuleDefinition.classes()
                .that()
                .resideInAnyPackage(API)
                .and()
                .arePublic()
                .should(notShowInternalTypes())
                .check(MAIN);
    }

    /** Supertypes and the raw types of public constructors, methods and fields. */
    private static ArchCondition<JavaClass> notShowInternalTypes() {
        return new ArchCondition<>("show no internal type in a public signature") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                List<String> shown = new ArrayList<>();
                type.getRawSuperclass()
                        .filter(ArchitectureTest::internal)
                        .ifPresent(s -> shown.add("extends " + s.getName()));
                type.getRawInterfaces().stream()
                        .filter(ArchitectureTest::internal)
                        .forEach(i -> shown.add("implements " + i.getName()));
                for (JavaCodeUnit unit : type.getCodeUnits()) {
                    if (unit.getModifiers().contains(JavaModifier.PUBLIC)) {
                        unit.getRawParameterTypes().stream()
                                .filter(ArchitectureTest::internal)
                                .forEach(p -> shown.add(unit.getFullName() + " takes " + p.getName()));
                        if (internal(unit.getRawReturnType())) {
                            shown.add(unit.getFullName() + " returns "
                                    + unit.getRawReturnType().getName());
                        }
                    }
                }
                for (JavaField field : type.getFields()) {
                    if (field.getModifiers().contains(JavaModifier.PUBLIC) && internal(field.getRawType())) {
                        shown.add(field.getFullName() + " is a "
                                + field.getRawType().getName());
                    }
                }
                shown.forEach(s -> events.add(SimpleConditionEvent.violated(type, s)));
            }
        };
    }

    private static boolean internal(JavaClass type) {
        return type.getPackageName().startsWith(ROOT + ".internal");
    }

    private static Path mainClasses() {
        try {
            return Path.of(Phase.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
