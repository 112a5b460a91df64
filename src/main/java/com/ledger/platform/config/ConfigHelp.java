package com.ledger.platform.config;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.comments.CommentLine;
import org.yaml.snakeyaml.comments.CommentType;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The configuration part of {@code --help}: every {@code LEDGER_*} variable with its default and meaning, read from
 * the packaged defaults (the value, and the comment on its line), so the help never drifts from the file.
 */
public final class ConfigHelp {
  /** One key: its variable, its default as the environment would spell it, and the comment on its line. */
  public record Variable(String key, String name, String dflt, String meaning) {}

  private ConfigHelp() {}

  public static List<Variable> variables() {
    LoaderOptions options = new LoaderOptions();
    options.setProcessComments(true);
    Node root = new Yaml(options).compose(new StringReader(ConfigLoader.defaultsText()));
    List<Variable> out = new ArrayList<>();
    if (root instanceof MappingNode m) collect(m, "", out);
    return out;
  }

  /** The variables as aligned lines: {@code LEDGER_HTTP_PORT  4000  API port}. */
  public static String table() {
    List<Variable> vars = new ArrayList<>(variables());
    ConfigLoader.OTHER_VARIABLES.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> vars.add(new Variable("", e.getKey(), "", e.getValue())));
    int nameWidth = vars.stream().mapToInt(v -> v.name().length()).max().orElse(0);
    int valueWidth = Math.min(24, vars.stream().mapToInt(v -> shown(v.dflt()).length()).max().orElse(0));
    StringBuilder b = new StringBuilder();
    for (Variable v : vars) {
      String value = v.key().isEmpty() ? "(unset)" : shown(v.dflt());
      b.append("  ").append(pad(v.name(), nameWidth)).append("  ");
      if (value.length() > valueWidth) {
        b.append(value).append('\n').append(" ".repeat(nameWidth + valueWidth + 6));
      } else {
        b.append(pad(value, valueWidth)).append("  ");
      }
      b.append(v.meaning()).append('\n');
    }
    return b.toString().replaceAll(" +\n", "\n");
  }

  private static String shown(String dflt) {
    return dflt.isEmpty() ? "\"\"" : dflt;
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }

  private static void collect(MappingNode node, String prefix, List<Variable> out) {
    for (NodeTuple t : node.getValue()) {
      String key = prefix + ((ScalarNode) t.getKeyNode()).getValue();
      Node value = t.getValueNode();
      if (value instanceof MappingNode child) {
        collect(child, key + ".", out);
        continue;
      }
      String dflt = value instanceof SequenceNode seq
          ? seq.getValue().stream().map(n -> ((ScalarNode) n).getValue()).collect(Collectors.joining(","))
          : ((ScalarNode) value).getValue();
      out.add(new Variable(key, ConfigLoader.envName(key), dflt, comment(t)));
    }
  }

  /** The comment on the key's line, else (for a list) on its first item's line. */
  private static String comment(NodeTuple t) {
    String inline = inline(t.getValueNode().getInLineComments());
    if (inline.isEmpty()) inline = inline(t.getKeyNode().getInLineComments());
    if (inline.isEmpty() && t.getValueNode() instanceof SequenceNode seq && !seq.getValue().isEmpty()) {
      inline = inline(seq.getValue().get(0).getInLineComments());
    }
    return inline;
  }

  private static String inline(List<CommentLine> comments) {
    if (comments == null) return "";
    return comments.stream().filter(c -> c.getCommentType() == CommentType.IN_LINE).map(c -> c.getValue().trim())
        .collect(Collectors.joining(" "));
  }
}
