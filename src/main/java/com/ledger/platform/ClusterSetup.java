package com.ledger.platform;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.ListenerConfig;
import com.hazelcast.config.NetworkConfig;
import com.ledger.platform.config.AppConfig.ClusterConfig;
import com.ledger.platform.config.ConfigException;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hazelcast for the clustered event bus: TCP join on a fixed member list, multicast and auto-detection off. */
public final class ClusterSetup {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterSetup.class);

  private ClusterSetup() {}

  public static HazelcastClusterManager manager(ClusterConfig c) {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(c.name());
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    // listen on the configured interface only (Hazelcast binds every interface by default)
    hz.setProperty("hazelcast.socket.bind.any", "false");
    // one line per membership change (Hazelcast's own logs are kept to errors: a dead peer made 10–14 WARN lines)
    hz.addListenerConfig(new ListenerConfig(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {
        LOG.atInfo().addKeyValue("member", e.getMember().getUuid()).addKeyValue("address", e.getMember().getAddress())
            .addKeyValue("members", e.getMembers().size()).log("cluster member joined");
      }

      @Override
      public void memberRemoved(MembershipEvent e) {
        LOG.atWarn().addKeyValue("member", e.getMember().getUuid()).addKeyValue("address", e.getMember().getAddress())
            .addKeyValue("members", e.getMembers().size()).log("cluster member left");
      }
    }));
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
