package io.jengine.tensor;

/**
 * Element types, numbered as ONNX's {@code TensorProto.DataType}. {@link #byteSize()} is the storage size of one
 * element; sub-byte and float8 types are listed so that a model using them gets a precise "unsupported dtype" error.
 */
public enum DType {
    FLOAT32(1, 4, "float32"),
    UINT8(2, 1, "uint8"),
    INT8(3, 1, "int8"),
    UINT16(4, 2, "uint16"),
    INT16(5, 2, "int16"),
    INT32(6, 4, "int32"),
    INT64(7, 8, "int64"),
    STRING(8, 0, "string"),
    BOOL(9, 1, "bool"),
    FLOAT16(10, 2, "float16"),
    FLOAT64(11, 8, "float64"),
    UINT32(12, 4, "uint32"),
    UINT64(13, 8, "uint64"),
    COMPLEX64(14, 8, "complex64"),
    COMPLEX128(15, 16, "complex128"),
    BFLOAT16(16, 2, "bfloat16"),
    FLOAT8E4M3FN(17, 1, "float8e4m3fn"),
    FLOAT8E4M3FNUZ(18, 1, "float8e4m3fnuz"),
    FLOAT8E5M2(19, 1, "float8e5m2"),
    FLOAT8E5M2FNUZ(20, 1, "float8e5m2fnuz"),
    UINT4(21, 1, "uint4"),
    INT4(22, 1, "int4"),
    FLOAT4E2M1(23, 1, "float4e2m1"),
    FLOAT8E8M0(24, 1, "float8e8m0"),
    UINT2(25, 1, "uint2"),
    INT2(26, 1, "int2");

    private final int onnxCode;
    private final int byteSize;
    private final String label;

    DType(int onnxCode, int byteSize, String label) {
        this.onnxCode = onnxCode;
        this.byteSize = byteSize;
        this.label = label;
    }

    public int onnxCode() { return onnxCode; }

    public int byteSize() { return byteSize; }

    @Override
    public String toString() { return label; }

    /** The name numpy and the CLI use (float32, int64, ...). */
    public String label() { return label; }

    public boolean isFloatingPoint() {
        return this == FLOAT32 || this == FLOAT64 || this == FLOAT16 || this == BFLOAT16;
    }

    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, INT32, INT64, UINT32, UINT64 -> true;
            default -> false;
        };
    }

    public boolean isUnsigned() {
        return this == UINT8 || this == UINT16 || this == UINT32 || this == UINT64 || this == BOOL;
    }

    /** Whether tensors of this type can be stored and computed by this engine (see {@link Tensor}). */
    public boolean isSupported() {
        return isFloatingPoint() || isInteger() || this == BOOL || this == STRING;
    }

    public static DType fromOnnx(int code) {
        for (DType t : values()) {
            if (t.onnxCode == code) return t;
        }
        throw new IllegalArgumentException("unknown ONNX data type code " + code);
    }

    public static DType fromLabel(String label) {
        for (DType t : values()) {
            if (t.label.equals(label)) return t;
        }
        throw new IllegalArgumentException("unknown dtype '" + label + "'");
    }
}
