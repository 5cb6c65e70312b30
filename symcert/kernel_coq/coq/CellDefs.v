(** * Activation cells and the minima of the risk on a cell (statement definitions).

    Like [Defs.v], this file holds only what a theorem statement mentions: a reader who audits
    [cell_minima net data (params point)] needs [Defs.v] and this file. For a network of one
    hidden layer and one output: the *cell* of [p] is the set of parameter vectors whose hidden
    pre-activations lie, on every sample, on the same side of every breakpoint as [p]'s (an open
    set when [p] has no pre-activation on a breakpoint); the *signed cell* also keeps the sign
    of every output weight. *)
From Coq Require Import List QArith Reals Qreals.
From Symcert Require Import Defs.
Import ListNotations.
Local Open Scope R_scope.

(** The hidden pre-activations [W1 x + b1] of the parameter vector [q] on the input [x]. *)
Definition hidden_pre (n : network) (q : list R) (x : list Q) : list R :=
  match layers (widths n) q with
  | L :: _ => apply_layer L (map Q2R x)
  | [] => []
  end.

(** The weights of the second layer (for one output, the output weights of the hidden neurons). *)
Definition out_weights (n : network) (q : list R) : list R :=
  match layers (widths n) q with
  | [_; (W2, _)] => concat W2
  | _ => []
  end.

(** [z'] is on the same side as [z] of every breakpoint, and on none. *)
Definition same_side (bs : list Q) (z z' : R) : Prop :=
  Forall (fun b => (z < Q2R b /\ z' < Q2R b) \/ (Q2R b < z /\ Q2R b < z')) bs.

Definition in_cell (n : network) (data : list sample) (p q : list R) : Prop :=
  length q = length p /\
  Forall (fun s => Forall2 (same_side (breakpoints (activ n))) (hidden_pre n p (fst s)) (hidden_pre n q (fst s))) data.

Definition in_signed_cell (n : network) (data : list sample) (p q : list R) : Prop :=
  in_cell n data p q /\ Forall2 (fun a b => 0 < a * b) (out_weights n p) (out_weights n q).

(** [q] is a local minimum of [f] among the points of [S]. *)
Definition local_min_on (S : list R -> Prop) (f : list R -> R) (q : list R) : Prop :=
  exists eps, 0 < eps /\ forall q', near q eps q' -> S q' -> f q <= f q'.

(** [g] maps [[0, 1]] continuously (sup norm) into [S]. *)
Definition path_in (S : list R -> Prop) (g : R -> list R) : Prop :=
  (forall t, 0 <= t <= 1 -> S (g t)) /\
  forall t0 eps, 0 <= t0 <= 1 -> 0 < eps ->
    exists d, 0 < d /\ forall t, 0 <= t <= 1 -> Rabs (t - t0) < d -> near (g t0) eps (g t).

(** He, Wang, Tao (2020), Theorems 3-4, for the cell of [p]: [p] is a local minimum and a minimum
    of the risk over its whole cell; every local minimum within the signed cell is a global
    minimum of the cell; and the minima in the signed cell are path-connected. *)
Definition cell_minima (n : network) (data : list sample) (p : list R) : Prop :=
  let R := risk n data in
  local_min R p /\
  (forall q, in_cell n data p q -> R p <= R q) /\
  (forall q, in_signed_cell n data p q -> local_min_on (in_signed_cell n data p) R q -> R q = R p) /\
  (forall q1 q2, in_signed_cell n data p q1 -> in_signed_cell n data p q2 -> R q1 = R p -> R q2 = R p ->
     exists g, g 0 = q1 /\ g 1 = q2 /\ path_in (fun q => in_signed_cell n data p q /\ R q = R p) g).
