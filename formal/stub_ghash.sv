// SPDX-License-Identifier: Apache-2.0
//
// Formal stand-in for physec_ghash (formal/run.py): the same ports and the same `ready`
// timing (0 after reset and in the clock after h_load), with `out` free in every clock.
// For the proofs whose properties do not depend on the tag's value (job identity,
// keystream FIFO): a tag compare may then pass or fail in any frame.  physec_ghash's own
// properties are proven on the real module.

`default_nettype none

module physec_ghash (
  input  wire logic         clk,
  input  wire logic         rst,
  input  wire logic         clr,
  input  wire logic         h_load,
  input  wire logic [127:0] h_in,
  output logic              ready,
  input  wire logic         start,
  input  wire logic [1:0]   in_valid,
  input  wire logic [255:0] in_data,
  output logic [127:0]      out
);

  logic h2_pending;
  wire logic unused = &{1'b0, clr, h_in, start, in_valid, in_data};

  always_ff @(posedge clk) begin
    if (rst) begin
      ready      <= 1'b0;
      h2_pending <= 1'b0;
    end else if (h_load) begin
      ready      <= 1'b0;
      h2_pending <= 1'b1;
    end else if (h2_pending) begin
      ready      <= 1'b1;
      h2_pending <= 1'b0;
    end
  end

  (* anyseq *) logic [127:0] any_out;
  assign out = any_out;

endmodule

`default_nettype wire
