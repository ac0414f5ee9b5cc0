package io.fluxdb.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class IpRangeTest {
    private static InetAddress ip(String literal) {
        return IpAddresses.parse(literal).orElseThrow();
    }

    @Test
    void ipv4Cidr() {
        IpRange range = IpRange.parse("10.1.0.0/16");
        assertThat(range.contains(ip("10.1.0.0"))).isTrue();
        assertThat(range.contains(ip("10.1.255.255"))).isTrue();
        assertThat(range.contains(ip("10.2.0.0"))).isFalse();
        assertThat(range.contains(ip("10.0.255.255"))).isFalse();
        assertThat(range).hasToString("10.1.0.0/16");
    }

    @Test
    void oddPrefixLengths() {
        IpRange range = IpRange.parse("172.16.0.0/12");
        assertThat(range.contains(ip("172.31.255.255"))).isTrue();
        assertThat(range.contains(ip("172.32.0.0"))).isFalse();
        assertThat(range.contains(ip("172.15.255.255"))).isFalse();
    }

    @Test
    void singleAddressIsSlash32() {
        IpRange range = IpRange.parse("192.168.1.5");
        assertThat(range.prefixLength()).isEqualTo(32);
        assertThat(range).isEqualTo(IpRange.parse("192.168.1.5/32"));
        assertThat(range.contains(ip("192.168.1.5"))).isTrue();
        assertThat(range.contains(ip("192.168.1.6"))).isFalse();
    }

    @Test
    void slashZeroMatchesEveryAddressOfItsFamilyOnly() {
        assertThat(IpRange.parse("0.0.0.0/0").contains(ip("203.0.113.9"))).isTrue();
        assertThat(IpRange.parse("0.0.0.0/0").contains(ip("2001:db8::1"))).isFalse();
        assertThat(IpRange.parse("::/0").contains(ip("2001:db8::1"))).isTrue();
        assertThat(IpRange.parse("::/0").contains(ip("203.0.113.9"))).isFalse();
    }

    @Test
    void ipv6Cidr() {
        IpRange range = IpRange.parse("2001:db8:abcd::/48");
        assertThat(range.contains(ip("2001:db8:abcd:12::1"))).isTrue();
        assertThat(range.contains(ip("2001:db8:abce::1"))).isFalse();
        assertThat(IpRange.parse("fe80::/10").contains(ip("febf::1"))).isTrue();
        assertThat(IpRange.parse("fe80::/10").contains(ip("fec0::1"))).isFalse();
    }

    @Test
    void ipv6SingleAddressIsSlash128() {
        IpRange range = IpRange.parse("::1");
        assertThat(range.prefixLength()).isEqualTo(128);
        assertThat(range.contains(ip("::1"))).isTrue();
        assertThat(range.contains(ip("::2"))).isFalse();
        assertThat(IpRange.parse("[2001:db8::7]/128").contains(ip("2001:db8::7"))).isTrue();
    }

    @Test
    void ipv4MappedIpv6AddressesMatchIpv4Ranges() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 10;
        mapped[15] = 7;
        InetAddress address = java.net.Inet6Address.getByAddress(null, mapped, -1);
        assertThat(IpRange.parse("10.0.0.0/8").contains(address)).isTrue();
        assertThat(IpRange.parse("::ffff:10.0.0.7").contains(ip("10.0.0.7"))).isTrue();
    }

    @Test
    void hostBitsSetAreAnErrorThatSuggestsTheNetwork() {
        assertThatThrownBy(() -> IpRange.parse("10.1.2.3/8"))
                .hasMessage("'10.1.2.3/8': 10.1.2.3/8 has host bits set (did you mean 10.0.0.0/8?)");
        assertThatThrownBy(() -> IpRange.parse("2001:db8::1/32"))
                .hasMessageContaining("has host bits set (did you mean 2001:db8:0:0:0:0:0:0/32?)");
    }

    @Test
    void prefixOutOfRange() {
        assertThatThrownBy(() -> IpRange.parse("10.0.0.0/33"))
                .hasMessage("'10.0.0.0/33': prefix length 33 is out of range for IPv4 (0-32)");
        assertThatThrownBy(() -> IpRange.parse("::/129"))
                .hasMessage("'::/129': prefix length 129 is out of range for IPv6 (0-128)");
    }

    @Test
    void invalidEntries() {
        for (String bad : new String[] {"10.0.0.300", "10.0.0", "10.1", "010.0.0.1", "host.example", "10.0.0.0/", "10.0.0.0/x",
                "10.0.0.0/-1", "1::2::3", "fe80::1%eth0", "", "10.0.0.1/8/8"}) {
            assertThatThrownBy(() -> IpRange.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad.strip() + "'");
        }
        assertThatThrownBy(() -> IpRange.parse("10.0.0.300")).hasMessage("'10.0.0.300' is not an IP address or CIDR range");
    }

    @Test
    void addressMatcher() {
        AddressMatcher matcher = AddressMatcher.parse(" 127.0.0.1, 10.0.0.0/8 ,,2001:db8::/32 ");
        assertThat(matcher.ranges()).hasSize(3);
        assertThat(matcher.contains(ip("127.0.0.1"))).isTrue();
        assertThat(matcher.contains(ip("10.200.1.1"))).isTrue();
        assertThat(matcher.contains(ip("2001:db8:1::5"))).isTrue();
        assertThat(matcher.contains(ip("127.0.0.2"))).isFalse();
        assertThat(matcher.contains(ip("::1"))).isFalse();
        assertThat(AddressMatcher.parse("").contains(ip("127.0.0.1"))).isFalse();
        assertThatThrownBy(() -> AddressMatcher.parse("127.0.0.1,nope")).hasMessage("'nope' is not an IP address or CIDR range");
    }
}
