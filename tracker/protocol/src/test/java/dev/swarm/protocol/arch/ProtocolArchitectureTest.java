package dev.swarm.protocol.arch;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The production classes of tracker/protocol keep {@link ProtocolRules}. */
@AnalyzeClasses(packages = "dev.swarm.protocol", importOptions = ImportOption.DoNotIncludeTests.class)
class ProtocolArchitectureTest {
    @ArchTest
    static final ArchRule jdkOnly = ProtocolRules.JDK_ONLY;
    @ArchTest
    static final ArchRule noIo = ProtocolRules.NO_IO;
    @ArchTest
    static final ArchRule noNameLookups = ProtocolRules.NO_NAME_LOOKUPS;
    @ArchTest
    static final ArchRule noStandardStreams = ProtocolRules.NO_STANDARD_STREAMS;
}
