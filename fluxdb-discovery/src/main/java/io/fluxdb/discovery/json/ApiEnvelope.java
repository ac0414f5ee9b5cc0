package io.fluxdb.discovery.json;

/**
 * Every FluxOS API answer: {@code {"status":"success","data":...}}, or {@code {"status":"error","data":{"message":...}}}.
 * {@code data} stays untyped here (lists and maps) because its shape depends on {@code status}.
 */
public record ApiEnvelope(String status, Object data) {
}
