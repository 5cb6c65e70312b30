(** * Networks, losses, risk and the conclusions, over Coq's real numbers.

    Everything a certificate's theorem statement mentions is defined in this file: a reader
    who audits a statement such as [spurious_local_min (risk net data) (params point)] needs
    this file only. Numbers of the problem (breakpoints, slopes, data) are rationals [Q],
    read as reals by [Q2R]; the parameters range over real vectors. *)
From Coq Require Import List QArith Reals Qreals.
Import ListNotations.
Local Open Scope R_scope.

(** ** Piecewise-linear activations
    Breakpoints [b_1 < ... < b_k] and [k + 1] pieces [(slope, intercept)]: piece [i] is used
    on [b_i <= t < b_(i+1)] (piece 0 below [b_1], piece [k] from [b_k] on). For a continuous
    activation the choice at a breakpoint does not matter; the checkers require continuity. *)
Record activation := { breakpoints : list Q; pieces : list (Q * Q) }.

Fixpoint pl_eval (bs : list Q) (ps : list (Q * Q)) (t : R) : R :=
  match ps with
  | [] => 0
  | (s, c) :: ps' =>
      match bs with
      | [] => Q2R s * t + Q2R c
      | b :: bs' => if Rlt_dec t (Q2R b) then Q2R s * t + Q2R c else pl_eval bs' ps' t
      end
  end.

Definition act (a : activation) : R -> R := pl_eval (breakpoints a) (pieces a).

(** ** Losses, per output entry (no 1/m factor) *)
Inductive loss := Squared | Absolute | Huber (delta : Q) | Hinge.

Definition ell (l : loss) (yhat y : R) : R :=
  match l with
  | Squared => (yhat - y) ^ 2 / 2
  | Absolute => Rabs (yhat - y)
  | Huber d => if Rle_dec (Rabs (yhat - y)) (Q2R d) then (yhat - y) ^ 2 / 2
               else Q2R d * (Rabs (yhat - y) - Q2R d / 2)
  | Hinge => Rmax 0 (1 - y * yhat)
  end.

(** ** Fully connected networks of any depth
    [widths = [dx; d1; ...; dy]]. Layer [l] computes [W_l a + b_l]; the activation is applied
    after every layer but the last. *)
Record network := { widths : list nat; activ : activation; lossk : loss }.

(** A sample: (input x, target y). *)
Definition sample := (list Q * list Q)%type.

Fixpoint dot (u v : list R) : R :=
  match u, v with
  | a :: u', b :: v' => a * b + dot u' v'
  | _, _ => 0
  end.

Definition layer := (list (list R) * list R)%type.

Definition apply_layer (L : layer) (x : list R) : list R :=
  map (fun wb => dot (fst wb) x + snd wb) (combine (fst L) (snd L)).

Fixpoint forward (h : R -> R) (ls : list layer) (x : list R) : list R :=
  match ls with
  | [] => x
  | [L] => apply_layer L x
  | L :: ls' => forward h ls' (map h (apply_layer L x))
  end.

(** ** The parameter vector
    One flat vector, in the order of the certificate: [W1] (row by row), [b1], [W2], [b2], ... *)
Fixpoint rows {A} (r c : nat) (p : list A) : list (list A) :=
  match r with
  | O => []
  | S r' => firstn c p :: rows r' c (skipn c p)
  end.

Fixpoint layers {A} (ws : list nat) (p : list A) : list (list (list A) * list A) :=
  match ws with
  | n_in :: ((n_out :: _) as ws') =>
      (rows n_out n_in p, firstn n_out (skipn (n_out * n_in) p))
        :: layers ws' (skipn (n_out * n_in + n_out) p)
  | _ => []
  end.

Fixpoint nparams (ws : list nat) : nat :=
  match ws with
  | n_in :: ((n_out :: _) as ws') => n_out * n_in + n_out + nparams ws'
  | _ => 0
  end.

Definition params (p : list Q) : list R := map Q2R p.

Definition sum (l : list R) : R := fold_right Rplus 0 l.

(** ** Empirical risk: the sum over samples and output coordinates of the loss *)
Definition sample_loss (n : network) (p : list R) (s : sample) : R :=
  sum (map (fun oy => ell (lossk n) (fst oy) (snd oy))
           (combine (forward (act (activ n)) (layers (widths n) p) (map Q2R (fst s)))
                    (map Q2R (snd s)))).

Definition risk (n : network) (data : list sample) (p : list R) : R :=
  sum (map (sample_loss n p) data).

(** ** Conclusions, for the sup norm on parameter vectors
    [near p eps q]: [q] has the length of [p] and every coordinate within [eps] of [p]'s. *)
Definition near (p : list R) (eps : R) (q : list R) : Prop :=
  Forall2 (fun a b => Rabs (a - b) < eps) q p.

Definition local_min (f : list R -> R) (p : list R) : Prop :=
  exists eps, 0 < eps /\ forall q, near p eps q -> f p <= f q.

Definition strict_local_min (f : list R -> R) (p : list R) : Prop :=
  exists eps, 0 < eps /\ forall q, near p eps q -> q <> p -> f p < f q.

Definition not_local_min (f : list R -> R) (p : list R) : Prop :=
  forall eps, 0 < eps -> exists q, near p eps q /\ f q < f p.

Definition saddle (f : list R -> R) (p : list R) : Prop :=
  forall eps, 0 < eps ->
    (exists q, near p eps q /\ f q < f p) /\ (exists q, near p eps q /\ f p < f q).

Definition global_min (f : list R -> R) (p : list R) : Prop :=
  forall q, length q = length p -> f p <= f q.

Definition spurious_local_min (f : list R -> R) (p : list R) : Prop :=
  local_min f p /\ exists q, length q = length p /\ f q < f p.
