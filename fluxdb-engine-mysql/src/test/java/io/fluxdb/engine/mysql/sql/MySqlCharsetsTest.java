package io.fluxdb.engine.mysql.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class MySqlCharsetsTest {

    @Test
    void collationIdsOfTheHandshake() {
        assertThat(MySqlCharsets.ofCollation(28)).contains("gbk");
        assertThat(MySqlCharsets.ofCollation(87)).contains("gbk");
        assertThat(MySqlCharsets.ofCollation(1052)).contains("gbk");
        assertThat(MySqlCharsets.ofCollation(1)).contains("big5");
        assertThat(MySqlCharsets.ofCollation(13)).contains("sjis");
        assertThat(MySqlCharsets.ofCollation(95)).contains("cp932");
        assertThat(MySqlCharsets.ofCollation(248)).contains("gb18030");
        assertThat(MySqlCharsets.ofCollation(45)).contains("utf8mb4");
        assertThat(MySqlCharsets.ofCollation(255)).contains("utf8mb4");
        assertThat(MySqlCharsets.ofCollation(224)).contains("utf8mb4");
        assertThat(MySqlCharsets.ofCollation(33)).contains("utf8mb3");
        assertThat(MySqlCharsets.ofCollation(8)).contains("latin1");
        assertThat(MySqlCharsets.ofCollation(63)).contains("binary");
        assertThat(MySqlCharsets.ofCollation(35)).contains("ucs2");
        assertThat(MySqlCharsets.ofCollation(0)).isEmpty();
        assertThat(MySqlCharsets.ofCollation(100_000)).isEmpty();
    }

    @Test
    void namesAreNormalized() {
        assertThat(MySqlCharsets.normalize(" 'GBK' ")).isEqualTo("gbk");
        assertThat(MySqlCharsets.normalize("`utf8`")).isEqualTo("utf8mb3");
        assertThat(MySqlCharsets.normalize("\"UTF8MB4\"")).isEqualTo("utf8mb4");
        assertThat(MySqlCharsets.known("Big5")).isTrue();
        assertThat(MySqlCharsets.known("klingon")).isFalse();
        assertThat(MySqlCharsets.usableByClients("utf16")).isFalse();
        assertThat(MySqlCharsets.usableByClients("ucs2")).isFalse();
        assertThat(MySqlCharsets.usableByClients("gbk")).isTrue();
    }

    @Test
    void javaCharsets() {
        assertThat(MySqlCharsets.javaCharset("utf8mb4")).isEqualTo(StandardCharsets.UTF_8);
        assertThat(MySqlCharsets.javaCharset("latin1").name()).isEqualTo("windows-1252");
        assertThat(MySqlCharsets.javaCharset("cp932").name()).isEqualTo("windows-31j");
        assertThat(MySqlCharsets.javaCharset("gbk").name()).isEqualTo("GBK");
        assertThat(MySqlCharsets.javaCharset("binary")).isEqualTo(StandardCharsets.ISO_8859_1);
        assertThat(MySqlCharsets.javaCharset("no-such-set")).isEqualTo(StandardCharsets.ISO_8859_1);
    }

    @Test
    void multiByteCharactersAsTheEngineFindsThem() {
        assertThat(MySqlCharsets.multiByte("gbk")).isEqualTo(MultiByte.GBK);
        assertThat(MySqlCharsets.multiByte("cp932")).isEqualTo(MultiByte.SJIS);
        assertThat(MySqlCharsets.multiByte("ujis")).isEqualTo(MultiByte.NONE);
        assertThat(MySqlCharsets.multiByte("utf8mb4")).isEqualTo(MultiByte.NONE);

        assertThat(length(MultiByte.GBK, "815c")).isEqualTo(2);
        assertThat(length(MultiByte.GBK, "fe60")).isEqualTo(2);
        assertThat(length(MultiByte.GBK, "8127")).isEqualTo(1);
        assertThat(length(MultiByte.GBK, "805c")).isEqualTo(1);
        assertThat(length(MultiByte.GBK, "ff40")).isEqualTo(1);
        assertThat(length(MultiByte.GBK, "817f")).isEqualTo(1);
        assertThat(length(MultiByte.GBK, "81")).isEqualTo(1);

        assertThat(length(MultiByte.BIG5, "a45c")).isEqualTo(2);
        assertThat(length(MultiByte.BIG5, "f9fe")).isEqualTo(2);
        assertThat(length(MultiByte.BIG5, "815c")).isEqualTo(1);
        assertThat(length(MultiByte.BIG5, "a180")).isEqualTo(1);
        assertThat(length(MultiByte.BIG5, "fa40")).isEqualTo(1);

        assertThat(length(MultiByte.SJIS, "955c")).isEqualTo(2);
        assertThat(length(MultiByte.SJIS, "e040")).isEqualTo(2);
        assertThat(length(MultiByte.SJIS, "fcfc")).isEqualTo(2);
        assertThat(length(MultiByte.SJIS, "a15c")).isEqualTo(1);
        assertThat(length(MultiByte.SJIS, "fd40")).isEqualTo(1);
        assertThat(length(MultiByte.SJIS, "81fd")).isEqualTo(1);

        assertThat(length(MultiByte.GB18030, "815c")).isEqualTo(2);
        assertThat(length(MultiByte.GB18030, "81308130")).isEqualTo(4);
        assertThat(length(MultiByte.GB18030, "8130812f")).isEqualTo(1);
        assertThat(length(MultiByte.GB18030, "813081")).isEqualTo(1);

        assertThat(length(MultiByte.NONE, "815c")).isEqualTo(1);
    }

    private static int length(MultiByte multiByte, String hex) {
        String text = new String(HexFormat.of().parseHex(hex), StandardCharsets.ISO_8859_1);
        return multiByte.length(text, 0, text.length());
    }
}
