package io.fluxdb.discovery.fluxos;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.discovery.json.AppLocation;
import org.junit.jupiter.api.Test;

class AppLocationTest {

    @Test
    void hostDropsTheFluxOsPort() {
        assertThat(location("1.2.3.4:16127").host()).isEqualTo("1.2.3.4");
        assertThat(location("1.2.3.4").host()).isEqualTo("1.2.3.4");
        assertThat(location(" 1.2.3.4 ").host()).isEqualTo("1.2.3.4");
        assertThat(location("[2001:db8::1]:16127").host()).isEqualTo("2001:db8::1");
        assertThat(location("2001:db8::1").host()).isEqualTo("2001:db8::1");
        assertThat(location(null).host()).isNull();
    }

    private static AppLocation location(String ip) {
        return new AppLocation(ip, "app", null, null);
    }
}
