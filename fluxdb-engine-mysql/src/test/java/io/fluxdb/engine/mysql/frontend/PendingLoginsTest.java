package io.fluxdb.engine.mysql.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class PendingLoginsTest {
    @Test
    void eachAddressHasItsOwnBoundAndReleasedPlacesAreForgotten() throws Exception {
        PendingLogins logins = new PendingLogins(2);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        assertThat(logins.tryAcquire(a)).isTrue();
        assertThat(logins.tryAcquire(a)).isTrue();
        assertThat(logins.tryAcquire(a)).isFalse();
        assertThat(logins.tryAcquire(b)).isTrue();
        logins.release(a);
        assertThat(logins.tryAcquire(a)).isTrue();
        logins.release(a);
        logins.release(a);
        logins.release(b);
        assertThat(logins.addresses()).as("no entry left for addresses without logins").isZero();
    }
}
