/**
 * The immutable mesh model: what every config source (Istio YAML files, xDS, Consul) is translated
 * into at its boundary. Nothing here knows a file format, a protobuf or a transport. Hosts are
 * stored fully qualified (short names already resolved against the resource's namespace).
 */
@NullMarked
package io.meshlet.core.model;

import org.jspecify.annotations.NullMarked;
