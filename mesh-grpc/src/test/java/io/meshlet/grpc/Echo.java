package io.meshlet.grpc;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The test service's methods, written by hand (no codegen): strings in, strings out. */
final class Echo {
  static final String SERVICE = "test.Echo";
  /** Unary: answers the backend's name. */
  static final MethodDescriptor<String, String> WHO = method("Who", MethodDescriptor.MethodType.UNARY);
  /** Unary, a second method for method routing and authorization. */
  static final MethodDescriptor<String, String> ADMIN = method("Admin", MethodDescriptor.MethodType.UNARY);
  /** Server streaming: answers the backend's name {@code n} times ({@code n} is the request). */
  static final MethodDescriptor<String, String> COUNT = method("Count", MethodDescriptor.MethodType.SERVER_STREAMING);
  /** Client streaming: answers the backend's name and the requests joined. */
  static final MethodDescriptor<String, String> JOIN = method("Join", MethodDescriptor.MethodType.CLIENT_STREAMING);

  private Echo() {}

  static MethodDescriptor<String, String> method(String name, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<String, String>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(Utf8.INSTANCE)
        .setResponseMarshaller(Utf8.INSTANCE)
        .build();
  }

  enum Utf8 implements MethodDescriptor.Marshaller<String> {
    INSTANCE;

    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
