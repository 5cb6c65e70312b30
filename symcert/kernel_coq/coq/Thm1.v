(** * Reflective checker for spurious local minima of one-hidden-layer networks
    (yun2019.thm1 certificates: interior box, affine reduction, strictly lower point).

    [check_thm1 net data c = true] implies, over the reals,
    [spurious_local_min (risk net data) (params (t1_point c))], and that the claimed risks
    at the point and at the better point are the exact risks ([thm1_sound]). *)
From Coq Require Import List QArith Reals Qreals Lra Lia.
From Symcert Require Import Defs QSem Lists.
Import ListNotations.

(** ** The checker *)
Record thm1_cert := {
  t1_point : list Q; t1_better : list Q;
  t1_loss : Q; t1_better_loss : Q;
  t1_radius : Q;        (** radius of the interior_cell box *)
  t1_radii : list Q;    (** radii of the other obligations: each in (0, t1_radius] *)
  t1_fit_w : list Q; t1_fit_b : Q }.

Definition qle (x y : Q) : bool := Qle_bool x y.

Fixpoint continuous (bs : list Q) (ps : list (Q * Q)) : bool :=
  match bs, ps with
  | [], [_] => true
  | b :: bs', (s, c) :: (((s', c') :: _) as ps') =>
      Qeq_bool (s * b + c) (s' * b + c') &&
      match bs' with [] => true | b' :: _ => qlt b b' end && continuous bs' ps'
  | _, _ => false
  end.

Definition in_piece (bs : list Q) (k : nat) (z rad : Q) : bool :=
  forallb (fun b => qlt b (qsub z rad)) (firstn k bs) &&
  forallb (fun b => qlt (qadd z rad) b) (skipn k bs).

Definition preact (wb : list Q * Q) (x : list Q) : Q := qadd (qdot (fst wb) x) (snd wb).

(** The piece of a hidden neuron: the one its pre-activation occupies on the first sample; it
    must hold every sample's pre-activation, widened by r (|x|_1 + 1), strictly inside. *)
Definition neuron_piece (a : activation) (r : Q) (xs : list (list Q)) (wb : list Q * Q)
  : option (Q * Q) :=
  match xs with
  | [] => None
  | x0 :: _ =>
      let bs := breakpoints a in
      let k := length (filter (fun b => qle b (preact wb x0)) bs) in
      if Nat.leb k (length bs) &&
         forallb (fun x => in_piece bs k (preact wb x) (r * qadd (qsum (map qabs x)) 1)%Q) xs
      then nth_error (pieces a) k else None
  end.

Fixpoint collect {A} (l : list (option A)) : option (list A) :=
  match l with
  | [] => Some []
  | Some a :: l' => match collect l' with Some r => Some (a :: r) | None => None end
  | None :: _ => None
  end.

Definition resid (fw : list Q) (fb : Q) (s : sample) : Q :=
  qsub (qadd (qdot fw (fst s)) fb) (hd 0%Q (snd s)).

Definition normal_eqs (dx : nat) (fw : list Q) (fb : Q) (data : list sample) : bool :=
  Qeq_bool (qsum (map (resid fw fb) data)) 0 &&
  forallb (fun l => Qeq_bool (qsum (map (fun s => resid fw fb s * nth l (fst s) 0)%Q data)) 0)
          (seq 0 dx).

Definition rescale_data (data : list sample) : list sample :=
  let dX := common_den (flat_map fst data) in
  let dY := common_den (flat_map snd data) in
  map (fun s => (map (rescale dX) (fst s), map (rescale dY) (snd s))) data.

Definition check_core (a : activation) (dx h : nat) (data : list sample) (c : thm1_cert) : bool :=
  let ws := [dx; h; 1%nat] in
  let p := over_common (t1_point c) in
  let pb := over_common (t1_better c) in
  let dF := common_den (t1_fit_b c :: t1_fit_w c) in
  let fw := map (rescale dF) (t1_fit_w c) in
  let fb := rescale dF (t1_fit_b c) in
  let r := t1_radius c in
  let W1 := rows h dx p in
  let b1 := firstn h (skipn (h * dx) p) in
  let rp := risk_q a ws data p in
  let rb := risk_q a ws data pb in
  let l0 := qsum (map (fun s => resid fw fb s * resid fw fb s * (1 # 2))%Q data) in
  continuous (breakpoints a) (pieces a) &&
  Nat.eqb (length (t1_point c)) (nparams ws) && Nat.eqb (length (t1_better c)) (nparams ws) &&
  Nat.eqb (length (t1_fit_w c)) dx &&
  forallb (fun s => Nat.eqb (length (fst s)) dx && Nat.eqb (length (snd s)) 1) data &&
  qlt 0 r && forallb (fun r' => qlt 0 r' && qle r' r) (t1_radii c) &&
  match collect (map (neuron_piece a r (map fst data)) (combine W1 b1)) with
  | Some _ => true | None => false end &&
  normal_eqs dx fw fb data &&
  Qeq_bool rp l0 && Qeq_bool rp (t1_loss c) && Qeq_bool rb (t1_better_loss c) && qlt rb rp.

Definition check_thm1 (n : network) (data : list sample) (c : thm1_cert) : bool :=
  match widths n, lossk n with
  | [dx; h; 1%nat], Squared => check_core (activ n) dx h (rescale_data data) c
  | _, _ => false
  end.
