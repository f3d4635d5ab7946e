package dev.swarm.peerbridge.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The JVM flags of conf/jvm.options, read the way scripts/lib.sh reads them. */
final class JvmFlags {
    /** "jdkNN+:flag": the flag applies on JDK NN or newer (as scripts/lib.sh reads it). */
    private static final java.util.regex.Pattern JDK_PREFIX = java.util.regex.Pattern.compile("jdk(\\d+)\\+:(.*)");

    private JvmFlags() {
    }

    static List<String> fromConf() throws IOException {
        List<String> out = new ArrayList<>();
        int feature = Runtime.version().feature();
        for (String line : Files.readAllLines(Path.of("..", "conf", "jvm.options"))) {
            int hash = line.indexOf('#');
            String l = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (l.isEmpty()) {
                continue;
            }
            java.util.regex.Matcher m = JDK_PREFIX.matcher(l);
            if (m.matches()) {
                if (feature >= Integer.parseInt(m.group(1))) {
                    out.add(m.group(2));
                }
            } else {
                out.add(l);
            }
        }
        return out;
    }
}
