package io.fluxdb.engine.mysql.account;

/**
 * What an account requires of the client's connection ({@code CREATE USER ... REQUIRE}), as the
 * engine stores it: {@code ssl_type} in MySQL's {@code mysql.user}, and the same numbers in MariaDB's
 * {@code mysql.global_priv}.
 *
 * @see <a href="https://mariadb.com/kb/en/securing-connections-for-client-and-server/#requiring-tls">Requiring TLS</a>
 */
public enum TlsRequirement {
    /** No requirement. */
    NONE,
    /** {@code REQUIRE SSL}: any TLS connection. */
    ANY,
    /** {@code REQUIRE X509}: TLS with a client certificate the server trusts. */
    X509,
    /** {@code REQUIRE SUBJECT/ISSUER/CIPHER}: TLS with a certificate (or cipher) as specified. */
    SPECIFIED;

    /** From MariaDB's number (0-3) or MySQL's name ('', ANY, X509, SPECIFIED); null means none. */
    public static TlsRequirement parse(String value) {
        if (value == null || value.isEmpty() || value.equals("0")) {
            return NONE;
        }
        return switch (value.toUpperCase(java.util.Locale.ROOT)) {
            case "1", "ANY" -> ANY;
            case "2", "X509" -> X509;
            default -> SPECIFIED;
        };
    }
}
