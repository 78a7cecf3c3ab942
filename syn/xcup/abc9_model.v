// SPDX-License-Identifier: Apache-2.0
//
// Timing models for ABC9 in `make synth`'s FPGA flow (syn/fpga.py): the cells of Yosys'
// xilinx/cells_sim.v that ABC9 sees as boxes, with the delays of the table's delay
// model (issue 17) instead of the 7-series figures (prjxray) they carry there:
// 450 ps per MUXF level, 450 ps into a carry chain and 25 ps per further CARRY4 (50 ps
// per CARRY8, two CARRY4).  Read with `read_verilog -overwrite -lib -specify` after
// synth_xilinx's `begin` step; the functions are those of cells_sim.v.  With the LUT
// library syn/xcup/luts.txt (450 ps per LUT) ABC then minimises the delay the table
// reports.

(* abc9_box, lib_whitebox *)
module MUXF7(output O, input I0, I1, S);
  assign O = S ? I1 : I0;
  specify
    (I0 => O) = 450;
    (I1 => O) = 450;
    (S => O) = 450;
  endspecify
endmodule

(* abc9_box, lib_whitebox *)
module MUXF8(output O, input I0, I1, S);
  assign O = S ? I1 : I0;
  specify
    (I0 => O) = 450;
    (I1 => O) = 450;
    (S => O) = 450;
  endspecify
endmodule

(* abc9_box, lib_whitebox *)
module CARRY4(
  (* abc9_carry *)
  output [3:0] CO,
  output [3:0] O,
  (* abc9_carry *)
  input        CI,
  input        CYINIT,
  input  [3:0] DI, S
);
  assign O = S ^ {CO[2:0], CI | CYINIT};
  assign CO[0] = S[0] ? CI | CYINIT : DI[0];
  assign CO[1] = S[1] ? CO[0] : DI[1];
  assign CO[2] = S[2] ? CO[1] : DI[2];
  assign CO[3] = S[3] ? CO[2] : DI[3];
  specify
    (CYINIT *> O)  = 450;
    (S *> O)       = 450;
    (DI *> O)      = 450;
    (CI *> O)      = 25;
    (CYINIT *> CO) = 450;
    (S *> CO)      = 450;
    (DI *> CO)     = 450;
    (CI *> CO)     = 25;
  endspecify
endmodule
