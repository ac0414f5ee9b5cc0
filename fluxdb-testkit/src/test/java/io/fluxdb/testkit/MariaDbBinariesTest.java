package io.fluxdb.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MariaDbBinariesTest {

    @TempDir
    Path dir;

    private Path executable(String relative) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @Test
    void directoryFindsUnpackedTree() throws IOException {
        Path server = executable("bin/mariadbd");
        Path install = executable("scripts/mariadb-install-db");

        MariaDbBinaries binaries = MariaDbBinaries.locate(dir.toString());

        assertThat(binaries.flavour()).isEqualTo(MariaDbBinaries.Flavour.DIRECTORY);
        assertThat(binaries.mariadbd()).isEqualTo(server);
        assertThat(binaries.installDb()).isEqualTo(install);
        assertThat(binaries.baseDir()).contains(dir);
    }

    @Test
    void directoryAcceptsSbinLayout() throws IOException {
        executable("sbin/mariadbd");
        executable("bin/mariadb-install-db");

        assertThat(MariaDbBinaries.directory(dir).mariadbd()).isEqualTo(dir.resolve("sbin/mariadbd"));
    }

    @Test
    void emptyDirectoryFailsWithFix() {
        assertThatThrownBy(() -> MariaDbBinaries.directory(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("bin/mariadbd")
                .hasMessageContaining(MariaDbBinaries.PROPERTY);
    }

    @Test
    void rejectsUnknownMode() {
        assertThatThrownBy(() -> MariaDbBinaries.locate("somewhere"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fluxdb.mariadb.binaries: somewhere (expected: auto, system, bundled or an absolute directory)");
    }

    @Test
    void versionReadsVerWord() throws IOException {
        Path server = executable("bin/mariadbd");
        Files.writeString(server, "#!/bin/sh\necho 'mariadbd  Ver 11.4.5-MariaDB for linux-systemd on x86_64'\n");
        executable("scripts/mariadb-install-db");

        assertThat(MariaDbBinaries.directory(dir).version()).isEqualTo("11.4.5-MariaDB");
    }
}
