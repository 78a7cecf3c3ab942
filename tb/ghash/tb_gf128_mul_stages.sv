// SPDX-License-Identifier: Apache-2.0
//
// tb_gf128_mul_stages: test wrapper, N physec_gf128_mul instances with different
// STAGES on shared inputs, so that one simulator build checks several pipeline
// variants (a Verilator build costs far more than the simulation).
//
//   instance k has STAGES = STAGES_LIST[4*k +: 4];
//   out_valid[k], out_z[128*k +: 128] are its outputs.
//
// Bit order: as physec_gf128_mul (byte 0 of a block in bits 127:120, GCM's
// reflected field element: x^0 is bit 127).

`default_nettype none

module tb_gf128_mul_stages #(
  parameter int N           = 2,
  parameter int STAGES_LIST = 'h50     // 4 bits per instance, instance 0 lowest
) (
  input  wire logic             clk,
  input  wire logic             rst,
  input  wire logic             in_valid,
  input  wire logic [127:0]     in_x,
  input  wire logic [127:0]     in_y,
  output logic [N-1:0]          out_valid,
  output logic [128*N-1:0]      out_z
);

  for (genvar k = 0; k < N; k++) begin : g_mul
    physec_gf128_mul #(
      .STAGES((STAGES_LIST >> (4 * k)) & 'hF)
    ) u_mul (
      .clk      (clk),
      .rst      (rst),
      .in_valid (in_valid),
      .in_x     (in_x),
      .in_y     (in_y),
      .out_valid(out_valid[k]),
      .out_z    (out_z[128*k +: 128])
    );
  end

endmodule

`default_nettype wire
