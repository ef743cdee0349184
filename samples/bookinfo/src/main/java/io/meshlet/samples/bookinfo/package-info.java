/**
 * Istio's Bookinfo on Meshlet: six Spring Boot workloads in one JVM ({@link io.meshlet.samples.bookinfo.Bookinfo}),
 * their config served by mesh-control-plane over xDS.
 */
@NullMarked
package io.meshlet.samples.bookinfo;

import org.jspecify.annotations.NullMarked;
