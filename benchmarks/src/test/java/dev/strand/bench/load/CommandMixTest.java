package dev.strand.bench.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandMixTest
{
    @Test
    void shouldParseWeightsAndLeaveMissingKindsAtZero()
    {
        final CommandMix.Weights w = CommandMix.Weights.parse("deposit=8, transfer=2");

        assertThat(w).isEqualTo(new CommandMix.Weights(0, 8, 0, 2));
        assertThat(w.total()).isEqualTo(10);
        assertThat(w.needsAccounts()).isTrue();
        assertThat(CommandMix.Weights.parse("open=1").needsAccounts()).isFalse();
    }

    @Test
    void shouldRejectUnknownKindsAndEmptyMixes()
    {
        assertThatThrownBy(() -> CommandMix.Weights.parse("deposit=1,close=1")).hasMessageContaining("close");
        assertThatThrownBy(() -> CommandMix.Weights.parse("deposit=0")).hasMessageContaining("positive");
        assertThatThrownBy(() -> CommandMix.Weights.parse("deposit")).hasMessageContaining("kind=weight");
    }

    @Test
    void shouldPickKindsInProportionToTheirWeights()
    {
        final CommandMix mix = new CommandMix(CommandMix.Weights.parse("open=1,deposit=6,withdraw=2,transfer=1"), "a-", 100, 7);
        final Map<CommandMix.Kind, Integer> counts = new EnumMap<>(CommandMix.Kind.class);
        final int n = 100_000;
        for (int i = 0; i < n; i++)
        {
            counts.merge(mix.nextKind(), 1, Integer::sum);
        }

        assertThat(counts.get(CommandMix.Kind.OPEN) / (double)n).isBetween(0.09, 0.11);
        assertThat(counts.get(CommandMix.Kind.DEPOSIT) / (double)n).isBetween(0.58, 0.62);
        assertThat(counts.get(CommandMix.Kind.WITHDRAW) / (double)n).isBetween(0.19, 0.21);
        assertThat(counts.get(CommandMix.Kind.TRANSFER) / (double)n).isBetween(0.09, 0.11);
    }

    @Test
    void shouldWriteApiEnvelopesOverThePoolAccounts()
    {
        final CommandMix mix = new CommandMix(CommandMix.Weights.parse("deposit=1,withdraw=1,transfer=1,open=1"), "p-", 5, 1);
        for (int i = 0; i < 1_000; i++)
        {
            final JsonObject command = new JsonObject(mix.nextBody(1, false));
            final String type = command.getString("type");
            final String id = command.getString("aggregateId");
            final JsonObject data = command.getJsonObject("data");
            if ("OpenAccount".equals(type))
            {
                assertThat(id).startsWith("p-new-");
                continue;
            }
            assertThat(type).isIn("Deposit", "Withdraw", "Transfer");
            assertThat(id).matches("p-[0-4]");
            assertThat(data.getLong("amount")).isBetween(1L, (long)CommandMix.MAX_AMOUNT);
            if ("Transfer".equals(type))
            {
                assertThat(data.getString("to")).matches("p-[0-4]").isNotEqualTo(id);
            }
        }
    }

    @Test
    void shouldWriteBatchBodies()
    {
        final CommandMix mix = new CommandMix(CommandMix.Weights.parse("deposit=1"), "b-", 10, 3);
        final JsonObject batch = new JsonObject(mix.nextBody(4, true));

        assertThat(batch.getBoolean("atomic")).isTrue();
        final JsonArray commands = batch.getJsonArray("commands");
        assertThat(commands).hasSize(4);
        assertThat(commands.getJsonObject(3).getString("type")).isEqualTo("Deposit");
    }

    @Test
    void shouldBeDeterministicForASeed()
    {
        final CommandMix a = new CommandMix(CommandMix.Weights.parse("deposit=3,transfer=1"), "s-", 50, 99);
        final CommandMix b = new CommandMix(CommandMix.Weights.parse("deposit=3,transfer=1"), "s-", 50, 99);
        for (int i = 0; i < 100; i++)
        {
            assertThat(a.nextBody(1, false)).isEqualTo(b.nextBody(1, false));
        }
    }
}
