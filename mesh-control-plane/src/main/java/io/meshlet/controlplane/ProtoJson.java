package io.meshlet.controlplane;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A served resource as protobuf JSON ({@link JsonFormat}). The resources carry {@code Any} fields
 * (HTTP filters, transport sockets, per-route filter config): each packed type is found by its type
 * URL from the Envoy API's classes ({@code envoy.x.y.v3.Name} is {@code io.envoyproxy.envoy.x.y.v3.Name})
 * and added to the printer's type registry.
 */
final class ProtoJson {
  private static final Map<String, @Nullable Descriptor> DESCRIPTORS = new ConcurrentHashMap<>();

  private ProtoJson() {}

  static String print(Message message) {
    JsonFormat.TypeRegistry.Builder registry = JsonFormat.TypeRegistry.newBuilder();
    collect(message, registry);
    try {
      return JsonFormat.printer().usingTypeRegistry(registry.build()).omittingInsignificantWhitespace().print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(message.getDescriptorForType().getFullName() + " cannot be printed as JSON: "
          + e.getMessage(), e);
    }
  }

  /** Adds the descriptor of every {@code Any} found in {@code m} (and in what it packs). */
  private static void collect(Message m, JsonFormat.TypeRegistry.Builder registry) {
    if (m instanceof Any any) {
      Descriptor d = descriptor(any.getTypeUrl());
      if (d != null) {
        registry.add(d);
        try {
          Class<? extends Message> type = messageClass(d.getFullName());
          if (type != null) {
            collect(any.unpack(type), registry);
          }
        } catch (InvalidProtocolBufferException e) {
          // printed as far as it goes; JsonFormat reports the bytes it cannot read
        }
      }
      return;
    }
    for (Map.Entry<FieldDescriptor, Object> f : m.getAllFields().entrySet()) {
      if (f.getKey().getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      if (f.getKey().isRepeated()) {
        for (Object o : (Iterable<?>) f.getValue()) {
          if (o instanceof Message x) {
            collect(x, registry);
          }
        }
      } else {
        collect((Message) f.getValue(), registry);
      }
    }
  }

  private static @Nullable Descriptor descriptor(String typeUrl) {
    String name = typeUrl.substring(typeUrl.lastIndexOf('/') + 1);
    return DESCRIPTORS.computeIfAbsent(name, n -> {
      Class<? extends Message> type = messageClass(n);
      if (type == null) {
        return null;
      }
      try {
        return (Descriptor) type.getMethod("getDescriptor").invoke(null);
      } catch (ReflectiveOperationException e) {
        return null;
      }
    });
  }

  private static @Nullable Class<? extends Message> messageClass(String fullName) {
    for (String prefix : new String[] {"io.envoyproxy.", "com."}) {
      try {
        return Class.forName(prefix + fullName, false, ProtoJson.class.getClassLoader()).asSubclass(Message.class);
      } catch (ClassNotFoundException | ClassCastException e) {
        // next
      }
    }
    return null;
  }
}
