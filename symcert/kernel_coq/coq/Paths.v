(** * Paths of parameter vectors and valleys of local minima (statement definitions).

    Like [Defs.v], this file holds only what a theorem statement mentions: a reader who audits
    [valley (risk net data) path lo hi v] needs [Defs.v] and this file. A path gives every
    parameter as a polynomial in one real parameter [eta] (rational coefficients, lowest
    first); [lo] and [hi] are the ends of an open interval of [eta] ([None]: infinite). *)
From Coq Require Import List QArith Reals Qreals.
From Symcert Require Import Defs.
Import ListNotations.
Local Open Scope R_scope.

Fixpoint poly_at (c : list Q) (eta : R) : R :=
  match c with
  | [] => 0
  | a :: c' => Q2R a + eta * poly_at c' eta
  end.

(** The member of the path at [eta]: the parameter vector with every entry evaluated. *)
Definition member (path : list (list Q)) (eta : R) : list R := map (fun c => poly_at c eta) path.

Definition in_interval (lo hi : option Q) (eta : R) : Prop :=
  match lo with Some l => Q2R l < eta | None => True end /\
  match hi with Some h => eta < Q2R h | None => True end.

(** A valley of [f] at value [v]: every member of the path over the open interval is a local
    minimum of [f] with value [v], and the path is not a single point. *)
Definition valley (f : list R -> R) (path : list (list Q)) (lo hi : option Q) (v : R) : Prop :=
  (forall eta, in_interval lo hi eta -> local_min f (member path eta) /\ f (member path eta) = v) /\
  exists eta1 eta2, in_interval lo hi eta1 /\ in_interval lo hi eta2 /\ member path eta1 <> member path eta2.
