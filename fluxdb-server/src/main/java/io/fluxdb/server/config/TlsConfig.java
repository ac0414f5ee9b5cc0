package io.fluxdb.server.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A certificate chain and its private key, both PEM files, for TLS on the client port.
 *
 * @param certificate {@code TLS_CERT}
 * @param privateKey {@code TLS_KEY}
 */
public record TlsConfig(Path certificate, Path privateKey) {
    public TlsConfig {
        requireNonNull(certificate, "certificate is null");
        requireNonNull(privateKey, "privateKey is null");
        String problem = checkReadable(certificate);
        if (problem != null) throw new IllegalArgumentException("certificate: " + problem);
        problem = checkReadable(privateKey);
        if (problem != null) throw new IllegalArgumentException("privateKey: " + problem);
    }

    /** Why {@code file} cannot be read, or null when it can. */
    public static String checkReadable(Path file) {
        requireNonNull(file, "file is null");
        if (!Files.exists(file)) return file + " does not exist";
        if (!Files.isRegularFile(file)) return file + " is not a regular file";
        if (!Files.isReadable(file)) return file + " is not readable";
        return null;
    }
}
