package io.meshlet.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Sockets that send one server name (SNI) whatever address they connect to: OkHttp asks for a TLS
 * socket to the endpoint it dials, and the JDK would send that address (none for an IP literal).
 */
final class SniSocketFactory extends SSLSocketFactory {
  private final SSLSocketFactory delegate;
  private final List<SNIServerName> serverNames;

  SniSocketFactory(SSLSocketFactory delegate, String serverName) {
    this.delegate = delegate;
    this.serverNames = List.of(new SNIHostName(serverName));
  }

  private Socket named(Socket s) {
    if (s instanceof SSLSocket ssl) {
      SSLParameters p = ssl.getSSLParameters();
      p.setServerNames(serverNames);
      ssl.setSSLParameters(p);
    }
    return s;
  }

  @Override
  public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
    return named(delegate.createSocket(s, host, port, autoClose));
  }

  @Override
  public Socket createSocket(Socket s, InputStream consumed, boolean autoClose) throws IOException {
    return named(delegate.createSocket(s, consumed, autoClose));
  }

  @Override
  public Socket createSocket() throws IOException {
    return named(delegate.createSocket());
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return named(delegate.createSocket(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    return named(delegate.createSocket(host, port, localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return named(delegate.createSocket(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
    return named(delegate.createSocket(address, port, localAddress, localPort));
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return delegate.getDefaultCipherSuites();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return delegate.getSupportedCipherSuites();
  }
}
