package com.ledger.platform;

import com.hazelcast.config.Config;
import com.hazelcast.config.NetworkConfig;
import com.ledger.platform.config.AppConfig.ClusterConfig;
import com.ledger.platform.config.ConfigException;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Hazelcast for the clustered event bus: TCP join on a fixed member list, multicast and auto-detection off. */
public final class ClusterSetup {
  private ClusterSetup() {}

  public static HazelcastClusterManager manager(ClusterConfig c) {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(c.name());
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    NetworkConfig net = hz.getNetworkConfig();
    net.setPort(c.port()).setPortAutoIncrement(true).setPortCount(10);
    String ip = resolve("cluster.host", c.host());
    net.getInterfaces().setEnabled(true).addInterface(ip);
    if (!c.publicHost().equals(c.host())) net.setPublicAddress(resolve("cluster.public_host", c.publicHost()) + ":" + c.port());
    net.getJoin().getMulticastConfig().setEnabled(false);
    net.getJoin().getAutoDetectionConfig().setEnabled(false);
    var tcp = net.getJoin().getTcpIpConfig().setEnabled(true);
    for (String m : c.members()) tcp.addMember(m);
    return new HazelcastClusterManager(hz);
  }

  /** Hazelcast's interface list wants an IP address; a host name (e.g. a compose service) is resolved first. */
  public static String resolve(String key, String host) {
    try {
      return InetAddress.getByName(host).getHostAddress();
    } catch (UnknownHostException e) {
      throw new ConfigException(key, "cannot resolve host '" + host + "'");
    }
  }
}
