# gen.py writes x87_amd64.s and decl_amd64.go from the table of x87
# instructions below: python3 gen.py (see go:generate in x87hw.go).
# kind: bin (load B then A, op), un (load A, op), st (load A, store op to Mem), ld (load op from Mem), cmpi (bin + eflags)
ops = [
 ("Fadd","bin",[0xD8,0xC1]),("Fsub","bin",[0xD8,0xE1]),("Fsubr","bin",[0xD8,0xE9]),
 ("Fmul","bin",[0xD8,0xC9]),("Fdiv","bin",[0xD8,0xF1]),("Fdivr","bin",[0xD8,0xF9]),
 ("Fcom","bin",[0xD8,0xD1]),("Fucom","bin",[0xDD,0xE1]),
 ("Fcomi","cmpi",[0xDB,0xF1]),("Fucomi","cmpi",[0xDB,0xE9]),
 ("Fprem","bin",[0xD9,0xF8]),("Fprem1","bin",[0xD9,0xF5]),("Fscale","bin",[0xD9,0xFD]),
 ("Fpatan","bin",[0xD9,0xF3]),("Fyl2x","bin",[0xD9,0xF1]),("Fyl2xp1","bin",[0xD9,0xF9]),
 ("Fsqrt","un",[0xD9,0xFA]),("Frndint","un",[0xD9,0xFC]),("Fxtract","un",[0xD9,0xF4]),
 ("Fsin","un",[0xD9,0xFE]),("Fcos","un",[0xD9,0xFF]),("Fsincos","un",[0xD9,0xFB]),
 ("Fptan","un",[0xD9,0xF2]),("F2xm1","un",[0xD9,0xF0]),("Ftst","un",[0xD9,0xE4]),
 ("Fxam","un",[0xD9,0xE5]),
 ("Fldpi","un",[0xD9,0xEB]),("Fldl2t","un",[0xD9,0xE9]),("Fldl2e","un",[0xD9,0xEA]),("Fldlg2","un",[0xD9,0xEC]),("Fldln2","un",[0xD9,0xED]),
 ("Fstm32","st",[0xD9,3]),("Fstm64","st",[0xDD,3]),
 ("Fistm16","st",[0xDF,3]),("Fistm32","st",[0xDB,3]),("Fistm64","st",[0xDF,7]),
 ("Fisttm16","st",[0xDF,1]),("Fisttm32","st",[0xDB,1]),("Fisttm64","st",[0xDD,1]),
 ("Fbstp","st",[0xDF,6]),
 ("Fldm32","ld",[0xD9,0]),("Fldm64","ld",[0xDD,0]),("Fbld","ld",[0xDF,4]),
 ("Fildm16","ld",[0xDF,0]),("Fildm32","ld",[0xDB,0]),("Fildm64","ld",[0xDF,5]),
]
A,B,FCW,FSW,R0,R1,MEM,FLAGS=0,16,32,34,40,56,72,88
def m(op,reg,disp): return [op, 0x40|reg<<3|7, disp]
def bytes_(l): return "".join("\tBYTE $0x%02x\n"%b for b in l)
out=['// Code generated from a table of x87 instructions; DO NOT EDIT.\n','// Each function runs one instruction on the host x87 over a Frame: load\n// the operands (B first, so A is ST(0) and B is ST(1)), run the instruction,\n// save FSW with FNSTSW and clear pending exceptions with FNCLEX before any\n// waiting instruction, then save\n// the whole x87 state with FNSAVE (which also reinitialises the x87).\n\n#include "textflag.h"\n']
for name,kind,enc in ops:
    code=[0xDB,0xE3]  # fninit
    code+=m(0xD9,5,FCW) # fldcw
    if kind in("bin","cmpi"):
        code+=m(0xDB,5,B)+m(0xDB,5,A)+enc
    elif kind=="un":
        code+=m(0xDB,5,A)+enc
    elif kind=="st":
        code+=m(0xDB,5,A)+m(enc[0],enc[1],MEM)
    elif kind=="ld":
        code+=m(enc[0],enc[1],MEM)
    post=m(0xDD,7,FSW)+[0xDB,0xE2]
    out.append("// func %s(f *Frame)\nTEXT ·%s(SB), NOSPLIT, $0-8\n\tMOVQ f+0(FP), DI\n"%(name,name))
    out.append(bytes_(code))
    if kind=="cmpi":
        out.append("\tPUSHFQ\n\tPOPQ AX\n\tMOVQ AX, 88(DI)\n")
    out.append(bytes_(post))
    out.append(bytes_(m(0xDD,6,96)))  # fnsave: stores every register, reinitialises
    out.append("\tRET\n\n")
open("x87_amd64.s","w").write("".join(out))
decl=["// Code generated from a table of x87 instructions; DO NOT EDIT.\n\npackage x87hw\n\n"]
for name,kind,enc in ops:
    decl.append("//go:noescape\nfunc %s(f *Frame)\n\n"%name)
open("decl_amd64.go","w").write("".join(decl))
