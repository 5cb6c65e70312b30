(** * Distance to a float point (statement definitions).

    Like [Defs.v], this file holds only what a theorem statement mentions: a reader who audits
    [at_distance (params point) (params float_point) (Q2R distance)] needs [Defs.v] and this
    file. [sup_dist p q] is the sup-norm distance of two parameter vectors (the largest
    [|p_i - q_i|], 0 for empty vectors); [at_distance p q d]: same length, distance exactly [d]. *)
From Coq Require Import List Reals.
Import ListNotations.
Local Open Scope R_scope.

Fixpoint sup_dist (p q : list R) : R :=
  match p, q with
  | a :: p', b :: q' => Rmax (Rabs (a - b)) (sup_dist p' q')
  | _, _ => 0
  end.

Definition at_distance (p q : list R) (d : R) : Prop := length p = length q /\ sup_dist p q = d.
