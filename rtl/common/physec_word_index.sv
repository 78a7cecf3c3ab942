// SPDX-License-Identifier: Apache-2.0
//
// physec_word_index: the index of each word of a frame-aligned word stream within its
// frame, shared by the stages that act on particular words (PAD, OH, payload).
//
//   in_valid, in_sof   the stream's valid and start-of-frame (word 0) flags.
//   beat               this clock carries a word of a frame that began with in_sof
//                      (words after the last one of a frame and before the next in_sof
//                      are not beats).
//   widx               its index in the frame, 0 .. WORDS-1 (0 on in_sof).
//   started            an in_sof has been seen since reset.
// rst: synchronous, active high.

`default_nettype none

module physec_word_index #(
  parameter int WORDS = 2570,
  parameter int IW    = $clog2(WORDS)
) (
  input  wire logic          clk,
  input  wire logic          rst,
  input  wire logic          in_valid,
  input  wire logic          in_sof,
  output logic               beat,
  output logic [IW-1:0]      widx,
  output logic               started
);

  if (WORDS < 2 || (1 << IW) < WORDS) begin : g_bad
`ifdef __ICARUS__
    initial $fatal(1, "physec_word_index: need WORDS >= 2 and 2**IW >= WORDS");
`else
    $fatal(1, "physec_word_index: need WORDS >= 2 and 2**IW >= WORDS");
`endif
  end

  logic [IW-1:0] idx_q;          // index of the next word in its frame

  assign beat = in_valid && (in_sof || (started && idx_q <= IW'(WORDS - 1)));
  assign widx = in_sof ? '0 : idx_q;

  always_ff @(posedge clk) begin
    if (rst) begin
      idx_q   <= '0;
      started <= 1'b0;
    end else if (in_valid && in_sof) begin
      idx_q   <= IW'(1);
      started <= 1'b1;
    end else if (beat) begin
      idx_q   <= idx_q + IW'(1);
    end
  end

endmodule

`default_nettype wire
