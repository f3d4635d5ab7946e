package dev.swarm.peerbridge.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The JVM flags of conf/jvm.options, read the way scripts/lib.sh reads them. */
final class JvmFlags {
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
            if (l.startsWith("jdk24+:")) {
                if (feature >= 24) {
                    out.add(l.substring("jdk24+:".length()));
                }
            } else {
                out.add(l);
            }
        }
        return out;
    }
}
