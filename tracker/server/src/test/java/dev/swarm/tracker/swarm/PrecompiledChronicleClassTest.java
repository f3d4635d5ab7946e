package dev.swarm.tracker.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The tracker ships Chronicle's generated {@code VanillaGlobalMutableState$$Native} precompiled (Chronicle Values
 * loads an existing class instead of compiling one with javac when a map is first opened). This checks that the
 * shipped source is exactly what the Chronicle version on the classpath generates, so an upgrade cannot leave a
 * stale class behind.
 */
class PrecompiledChronicleClassTest {
    private static final Path SHIPPED =
            Path.of("src/main/java/net/openhft/chronicle/hash/VanillaGlobalMutableState$$Native.java");

    @Test
    void shippedClassIsWhatChronicleGenerates() throws Exception {
        Class<?> valueType = Class.forName("net.openhft.chronicle.hash.VanillaGlobalMutableState");
        Class<?> modelType = Class.forName("net.openhft.chronicle.values.ValueModel");
        Object model = modelType.getMethod("acquire", Class.class).invoke(null, valueType);
        Method generate = Class.forName("net.openhft.chronicle.values.Generators")
                .getDeclaredMethod("generateNativeClass", modelType, String.class);
        generate.setAccessible(true);
        String generated = (String) generate.invoke(null, model, "VanillaGlobalMutableState$$Native");
        String shipped = Files.readString(SHIPPED).replaceAll("(?m)^//.*\\n", "");
        assertEquals(generated, shipped, "regenerate " + SHIPPED + " for this Chronicle version");
    }

    @Test
    void theShippedClassIsTheOneChronicleLoads() throws Exception {
        Class<?> c = Class.forName("net.openhft.chronicle.hash.VanillaGlobalMutableState$$Native");
        assertEquals(PrecompiledChronicleClassTest.class.getClassLoader(), c.getClassLoader(),
                "loaded from the application class path, not compiled at run time");
    }
}
