// SPDX-License-Identifier: Apache-2.0
//
// physec_xcode_257b: 256b/257b transcoder, four 66b blocks -> one 257b block
// (IEEE 802.3 Clause 91.5.2.5).  This module = the model function
// physec.xcode257.transcode_257b (bit for bit, including the invalid-input rule).
//
// Ports and bit order (IEEE notation, bit 0 = first transmitted):
//   in_blocks[4*66-1:0]  four 66b blocks; block j = in_blocks[66*j +: 66], j = 0
//                        first in time.  Each block is tx_coded<65:0>: sync
//                        header tx_coded<1:0> = blk[1:0] (2'b10 data, 2'b01
//                        control), block type tx_coded<9:2> = blk[9:2].
//   out_block[256:0]     tx_xcoded<256:0> = out_block[256:0]:
//                        all data:  out_block[0] = 1, payload j (tx_coded<65:2>
//                                   of block j) in out_block[64*j+64 : 64*j+1];
//                        otherwise: out_block[0] = 0, out_block[4:1] = flags
//                                   (flag j in out_block[1+j], 1 = data), then
//                                   the payloads in order from out_block[5],
//                                   the first control block without its type
//                                   bits tx_coded<9:6> (it keeps tx_coded<5:2>).
//   in_valid / out_valid qualify in_blocks / out_block; out_* is in_* LATENCY
//   clocks later (LATENCY >= 1 register stages, outputs registered).
//   rst: active-high, synchronous; clears only the valid pipeline.
//
// Transmit invalid-input rule (spec 3.4, same as physec.xcode257.sanitize_66b):
// a block with sync header 00/11, or a control block whose type is not one of
// the eleven Clause 82 types, is replaced by EBLOCK_R before transcoding.

`default_nettype none

// A standalone block: `make lint` passes all of rtl/ to one Verilator call, where
// every such block is a top level module by design.
/* verilator lint_off MULTITOP */
module physec_xcode_257b #(
  parameter int LATENCY = 1
) (
  input  wire logic            clk,
  input  wire logic            rst,
  input  wire logic            in_valid,
  input  wire logic [4*66-1:0] in_blocks,
  output logic                 out_valid,
  output logic [256:0]         out_block
);
/* verilator lint_on MULTITOP */

  import physec_pcs_pkg::*;

  if (LATENCY < 1) begin : g_bad_latency
`ifdef __ICARUS__
    // Icarus 11 has no elaboration-time system tasks: fail at time 0 instead.
    initial $fatal(1, "physec_xcode_257b: LATENCY must be >= 1, got %0d", LATENCY);
`else
    $fatal(1, "physec_xcode_257b: LATENCY must be >= 1, got %0d", LATENCY);
`endif
  end

  // ---- Sanitize: per block, payload after the EBLOCK_R substitution and its flag.
  wire logic [3:0][63:0] pl;        // pl[j] = tx_coded<65:2> of (sanitized) block j
  wire logic [3:0]       is_data;   // is_data[j] = 1: block j is a data block

  for (genvar j = 0; j < 4; j++) begin : g_blk
    wire logic [65:0] blk   = in_blocks[66*j +: 66];
    wire logic        ok    = (blk[1:0] == SH_DATA) ||
                              ((blk[1:0] == SH_CTRL) && is_valid_type(blk[9:2]));
    // EBLOCK_R is a control block, so the flag is the sync header's (not behind ok).
    assign is_data[j] = (blk[1:0] == SH_DATA);
    assign pl[j]      = ok ? blk[65:2] : EBLOCK_R[65:2];
  end

  // ---- First control block index f (only meaningful when not all data).
  wire logic [1:0] f = !is_data[0] ? 2'd0 :
                       !is_data[1] ? 2'd1 :
                       !is_data[2] ? 2'd2 : 2'd3;

  // ---- Layout.  Mixed group: tx_xcoded<256:1> = {..., flags}; block f keeps its
  // type's low nibble pl[f][3:0] and drops pl[f][7:4] (4 + 60 + 3*64 = 256).
  // Blocks before f are shifted up by the 4 flag bits, blocks after f are word
  // aligned again because block f is 4 bits short: fixed wiring per f.
  wire logic [255:0] body_f0 = {pl[3], pl[2], pl[1], pl[0][63:8], pl[0][3:0], is_data};
  wire logic [255:0] body_f1 = {pl[3], pl[2], pl[1][63:8], pl[1][3:0], pl[0], is_data};
  wire logic [255:0] body_f2 = {pl[3], pl[2][63:8], pl[2][3:0], pl[1], pl[0], is_data};
  wire logic [255:0] body_f3 = {pl[3][63:8], pl[3][3:0], pl[2], pl[1], pl[0], is_data};

  // Whole-vector case only: Icarus 11 would warn about part selects in always_*.
  logic [255:0] body;
  always_comb begin
    case (f)
      2'd0:    body = body_f0;
      2'd1:    body = body_f1;
      2'd2:    body = body_f2;
      default: body = body_f3;
    endcase
  end

  wire logic [256:0] xcoded = (&is_data) ? {pl, 1'b1} : {body, 1'b0};

  physec_pipe #(
    .WIDTH(257),
    .DEPTH(LATENCY)
  ) u_pipe (
    .clk      (clk),
    .rst      (rst),
    .in_valid (in_valid),
    .in_data  (xcoded),
    .out_valid(out_valid),
    .out_data (out_block)
  );

endmodule

`default_nettype wire
