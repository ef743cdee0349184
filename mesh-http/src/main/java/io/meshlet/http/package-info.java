/**
 * The mesh in OkHttp: {@link io.meshlet.http.MeshInterceptor}, an application interceptor that routes
 * each call by the mesh's compiled tables before OkHttp connects.
 */
@NullMarked
package io.meshlet.http;

import org.jspecify.annotations.NullMarked;
