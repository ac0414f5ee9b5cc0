package io.fluxdb.engine.mysql.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AccountDirectoryTest {
    private static Account account(String user, String host) {
        return new Account(user, new HostPattern(host), "mysql_native_password", "*HASH-" + user + "@" + host, false);
    }

    @Test
    void mostSpecificHostWinsAndNamedUserBeatsAnonymous() throws Exception {
        List<Account> accounts = List.of(
                account("app", "%"), account("", "10.0.0.%"), account("app", "10.0.0.5"), account("root", "localhost"));
        AccountDirectory directory = new AccountDirectory(() -> accounts, Duration.ofMinutes(1), Clock.systemUTC());

        assertThat(directory.find("app", InetAddress.getByName("10.0.0.5"), null))
                .get().extracting(a -> a.host().text()).isEqualTo("10.0.0.5");
        // The anonymous account on a more specific host wins over 'app'@'%', as on the server.
        assertThat(directory.find("app", InetAddress.getByName("10.0.0.6"), null))
                .get().extracting(Account::user).isEqualTo("");
        assertThat(directory.find("app", InetAddress.getByName("10.9.0.6"), null))
                .get().extracting(a -> a.host().text()).isEqualTo("%");
        assertThat(directory.find("root", InetAddress.getByName("10.9.0.6"), null)).isEmpty();
        assertThat(directory.find("root", InetAddress.getByName("127.0.0.1"), null)).isPresent();
    }

    @Test
    void unknownUserTriggersOneReload() throws Exception {
        List<Account> accounts = new ArrayList<>(List.of(account("a", "%")));
        AtomicInteger loads = new AtomicInteger();
        AccountDirectory directory = new AccountDirectory(() -> {
            loads.incrementAndGet();
            return List.copyOf(accounts);
        }, Duration.ofHours(1), Clock.systemUTC());

        assertThat(directory.find("a", InetAddress.getLoopbackAddress(), null)).isPresent();
        assertThat(loads).hasValue(1);
        accounts.add(account("b", "%"));
        assertThat(directory.find("b", InetAddress.getLoopbackAddress(), null)).isPresent();
        assertThat(loads).hasValue(2);
        assertThat(directory.find("a", InetAddress.getLoopbackAddress(), null)).isPresent();
        assertThat(loads).hasValue(2);
    }

    @Test
    void toStringHidesTheCredential() {
        assertThat(account("a", "%").toString()).doesNotContain("HASH");
    }
}
