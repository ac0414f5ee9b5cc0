package io.fluxdb.protocol.wire;

/**
 * The NULL bitmap of binary-protocol rows and statement parameters. Bit {@code (i + offset)}
 * marks value {@code i} NULL; the offset is 0 for COM_STMT_EXECUTE parameters and 2 for binary
 * result-set rows (whose first two bits are reserved).
 *
 * @see <a href="https://mariadb.com/kb/en/resultset-row/#null-bitmap">NULL-Bitmap</a>
 */
public final class NullBitmap {
    /** Bit offset of the bitmap in COM_STMT_EXECUTE. */
    public static final int PARAMETER_OFFSET = 0;
    /** Bit offset of the bitmap in a binary result-set row. */
    public static final int ROW_OFFSET = 2;

    private NullBitmap() {}

    /** Size in bytes of a bitmap for {@code count} values at {@code offset}. */
    public static int size(int count, int offset) {
        return (count + offset + 7) / 8;
    }

    public static boolean isNull(byte[] bitmap, int index, int offset) {
        int bit = index + offset;
        return (bitmap[bit >>> 3] & (1 << (bit & 7))) != 0;
    }

    public static void setNull(byte[] bitmap, int index, int offset) {
        int bit = index + offset;
        bitmap[bit >>> 3] |= (byte) (1 << (bit & 7));
    }
}
