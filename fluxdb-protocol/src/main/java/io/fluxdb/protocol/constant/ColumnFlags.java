package io.fluxdb.protocol.constant;

/**
 * Column definition flags.
 *
 * @see <a href="https://mariadb.com/kb/en/result-set-packets/#field-details-flag">Field detail flags</a>
 */
public final class ColumnFlags {
    public static final int NOT_NULL_FLAG = 0x0001;
    public static final int PRI_KEY_FLAG = 0x0002;
    public static final int UNIQUE_KEY_FLAG = 0x0004;
    public static final int MULTIPLE_KEY_FLAG = 0x0008;
    public static final int BLOB_FLAG = 0x0010;
    public static final int UNSIGNED_FLAG = 0x0020;
    public static final int ZEROFILL_FLAG = 0x0040;
    public static final int BINARY_FLAG = 0x0080;
    public static final int ENUM_FLAG = 0x0100;
    public static final int AUTO_INCREMENT_FLAG = 0x0200;
    public static final int TIMESTAMP_FLAG = 0x0400;
    public static final int SET_FLAG = 0x0800;
    public static final int NO_DEFAULT_VALUE_FLAG = 0x1000;
    public static final int ON_UPDATE_NOW_FLAG = 0x2000;
    public static final int NUM_FLAG = 0x8000;

    private ColumnFlags() {}
}
