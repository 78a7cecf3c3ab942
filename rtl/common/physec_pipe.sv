// SPDX-License-Identifier: Apache-2.0
//
// physec_pipe: generic delay line of DEPTH register stages for a WIDTH-bit data
// word plus its valid bit.
//
//   in_valid, in_data  -> DEPTH clocks later ->  out_valid, out_data
//
// Bit order: none imposed; in_data[i] comes out as out_data[i] unchanged, so the
// caller's convention (e.g. IEEE tx_coded/tx_xcoded, bit 0 first transmitted)
// carries through.
//
// Only the valid bits are reset (rst: active-high, synchronous).  The data
// registers have no reset and load every clock: out_data means something only
// while out_valid = 1, and leaving reset off the wide data path saves area and
// routing.  DEPTH < 1 is an elaboration error.

`default_nettype none

module physec_pipe #(
  parameter int WIDTH = 1,
  parameter int DEPTH = 1
) (
  input  wire logic             clk,
  input  wire logic             rst,
  input  wire logic             in_valid,
  input  wire logic [WIDTH-1:0] in_data,
  output logic                  out_valid,
  output logic      [WIDTH-1:0] out_data
);

  if (DEPTH < 1) begin : g_bad_depth
`ifdef __ICARUS__
    // Icarus 11 has no elaboration-time system tasks: fail at time 0 instead.
    initial $fatal(1, "physec_pipe: DEPTH must be >= 1, got %0d", DEPTH);
`else
    $fatal(1, "physec_pipe: DEPTH must be >= 1, got %0d", DEPTH);
`endif
  end

  // Sizes are clamped so that a bad DEPTH reaches the $fatal above rather than
  // an unrelated zero-size-array error.
  localparam int D = (DEPTH < 1) ? 1 : DEPTH;

  logic [D-1:0]     valid_q;
  logic [WIDTH-1:0] data_q [D];

  always_ff @(posedge clk) begin
    if (rst) begin
      valid_q <= '0;
    end else begin
      valid_q[0] <= in_valid;
      for (int s = 1; s < D; s++) valid_q[s] <= valid_q[s-1];
    end
  end

  always_ff @(posedge clk) begin
    data_q[0] <= in_data;
    for (int s = 1; s < D; s++) data_q[s] <= data_q[s-1];
  end

  assign out_valid = valid_q[D-1];
  assign out_data  = data_q[D-1];

endmodule

`default_nettype wire
