// SPDX-License-Identifier: Apache-2.0
//
// physec_dexcode_257b: 257b/256b de-transcoder, one 257b block -> four 66b
// blocks (inverse of IEEE 802.3 Clause 91.5.2.5).  This module = the model
// function physec.xcode257.detranscode_257b (blocks and err, bit for bit).
//
// Ports and bit order (IEEE notation, bit 0 = first transmitted):
//   in_block[256:0]       tx_xcoded<256:0> = in_block[256:0]; header
//                         tx_xcoded<0> = in_block[0] (1 = all data); when 0,
//                         flag j (1 = data) is in_block[1+j] and the payloads
//                         follow from in_block[5], the first control block
//                         carrying only its type's low nibble tx_coded<5:2>.
//   out_blocks[4*66-1:0]  four 66b blocks; block j = out_blocks[66*j +: 66], j = 0
//                         first in time.  Each block is tx_coded<65:0>: sync
//                         header tx_coded<1:0> = blk[1:0] (2'b10 data, 2'b01
//                         control), block type tx_coded<9:2> = blk[9:2].
//   out_err               1: the group was undecodable and out_blocks holds four
//                         EBLOCK_R (the model's err).
//   in_valid / out_valid qualify in_block / out_*; out_* is in_* LATENCY clocks
//   later (LATENCY >= 1 register stages, outputs registered).
//   rst: active-high, synchronous; clears only the valid pipeline.
//
// Receive invalid-input rule (spec 3.4): header 0 with all four flags = data, or
// a kept nibble that names no Clause 82 type, gives four EBLOCK_R and out_err = 1.
// Later control blocks are passed through unchecked, as in the model; the 66b
// decoder turns an unknown type there into /E/ characters.

`default_nettype none

// A standalone block: `make lint` passes all of rtl/ to one Verilator call, where
// every such block is a top level module by design.
/* verilator lint_off MULTITOP */
module physec_dexcode_257b #(
  parameter int LATENCY = 1
) (
  input  wire logic            clk,
  input  wire logic            rst,
  input  wire logic            in_valid,
  input  wire logic [256:0]    in_block,
  output logic                 out_valid,
  output logic [4*66-1:0]      out_blocks,
  output logic                 out_err
);
/* verilator lint_on MULTITOP */

  import physec_pcs_pkg::*;

  if (LATENCY < 1) begin : g_bad_latency
`ifdef __ICARUS__
    // Icarus 11 has no elaboration-time system tasks: fail at time 0 instead.
    initial $fatal(1, "physec_dexcode_257b: LATENCY must be >= 1, got %0d", LATENCY);
`else
    $fatal(1, "physec_dexcode_257b: LATENCY must be >= 1, got %0d", LATENCY);
`endif
  end

  wire logic         all_data = in_block[0];
  wire logic [255:0] body     = in_block[256:1];   // tx_xcoded<256:1>
  wire logic [3:0]   flags    = body[3:0];

  // ---- First control block index f (flags = 4'hF is an error, f unused then).
  wire logic [1:0] f = !flags[0] ? 2'd0 :
                       !flags[1] ? 2'd1 :
                       !flags[2] ? 2'd2 : 2'd3;

  // ---- Kept type nibble of block f: body bits 64f+7 : 64f+4 (after the flags
  // and f full data payloads).
  wire logic [3:0] nib = (f == 2'd0) ? body[7:4]     :
                         (f == 2'd1) ? body[71:68]   :
                         (f == 2'd2) ? body[135:132] : body[199:196];

  wire logic [7:0] btype = nibble_to_type(nib);
  wire logic       err   = !all_data && ((flags == 4'hF) || (btype == 8'h00));

  // ---- Payloads pl[j] = tx_coded<65:2> of block j.  Mixed group: blocks before
  // f start 4 bits up (after the flags), block f is 60 bits with its full type
  // restored, blocks after f are word aligned again: fixed wiring per f.
  wire logic [255:0] pl_f0 = {body[255:192], body[191:128], body[127:64],  body[63:8], btype};
  wire logic [255:0] pl_f1 = {body[255:192], body[191:128], body[127:72], btype, body[67:4]};
  wire logic [255:0] pl_f2 = {body[255:192], body[191:136], btype, body[131:68], body[67:4]};
  wire logic [255:0] pl_f3 = {body[255:200], btype, body[195:132], body[131:68], body[67:4]};

  // Whole-vector case only: Icarus 11 would warn about part selects in always_*.
  logic [3:0][63:0] pl;
  always_comb begin
    if (all_data) begin
      pl = body;
    end else begin
      case (f)
        2'd0:    pl = pl_f0;
        2'd1:    pl = pl_f1;
        2'd2:    pl = pl_f2;
        default: pl = pl_f3;
      endcase
    end
  end

  wire logic [4*66-1:0] blocks;
  for (genvar j = 0; j < 4; j++) begin : g_blk
    assign blocks[66*j +: 66] = err ? EBLOCK_R
                                    : {pl[j], (all_data || flags[j]) ? SH_DATA : SH_CTRL};
  end

  physec_pipe #(
    .WIDTH(4*66+1),
    .DEPTH(LATENCY)
  ) u_pipe (
    .clk      (clk),
    .rst      (rst),
    .in_valid (in_valid),
    .in_data  ({err, blocks}),
    .out_valid(out_valid),
    .out_data ({out_err, out_blocks})
  );

endmodule

`default_nettype wire
